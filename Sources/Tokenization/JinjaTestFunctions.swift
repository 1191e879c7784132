// jinja2's tests (`x is defined`, `x is string`, `n is divisibleby 3`, ...), with its definitions:
// `number` includes bools, `integer` does not, `iterable` is true for undefined, and so on.

enum JinjaTestFunctions {
    static let names: Set<String> = [
        "defined", "undefined", "none", "boolean", "false", "true", "integer", "float", "number", "string",
        "mapping", "iterable", "sequence", "callable", "sameas", "escaped", "in", "eq", "equalto", "==", "ne", "!=",
        "lt", "lessthan", "<", "le", "<=", "gt", "greaterthan", ">", "ge", ">=", "odd", "even", "divisibleby",
        "lower", "upper", "filter", "test",
    ]

    static func apply(_ name: String, _ value: JinjaValue, _ args: JinjaArguments) throws(JinjaFailure) -> Bool {
        func argument() throws(JinjaFailure) -> JinjaValue {
            let b = try args.bind(["other"], function: name)
            guard let v = b[0] else { throw JinjaFailure("TypeError: test '\(name)' needs an argument") }
            return v
        }
        func noArguments() throws(JinjaFailure) {
            guard args.isEmpty else { throw JinjaFailure("TypeError: test '\(name)' takes no arguments") }
        }
        switch name {
        case "defined": try noArguments(); return !value.isUndefined
        case "undefined": try noArguments(); return value.isUndefined
        case "none": try noArguments(); return value.isNone
        case "boolean": try noArguments(); if case .bool = value { return true }; return false
        case "false": try noArguments(); if case .bool(false) = value { return true }; return false
        case "true": try noArguments(); if case .bool(true) = value { return true }; return false
        case "integer": try noArguments(); if case .int = value { return true }; return false
        case "float": try noArguments(); if case .double = value { return true }; return false
        case "number": try noArguments(); return value.number != nil
        case "string": try noArguments(); return value.text != nil
        case "mapping": try noArguments(); if case .dict = value { return true }; return false
        case "iterable":
            try noArguments()
            switch value {
            case .undefined, .string, .markup, .list, .tuple, .dict: return true
            default: return false
            }
        case "sequence":
            try noArguments()
            switch value {
            case .undefined, .string, .markup, .list, .tuple, .dict: return true
            default: return false
            }
        case "callable":
            try noArguments()
            if case .callable = value { return true }
            return false
        case "escaped": try noArguments(); if case .markup = value { return true }; return false
        case "sameas":
            let other = try argument()
            switch (value, other) {
            case (.none, .none): return true
            case (.bool(let a), .bool(let b)): return a == b
            case (.namespace(let a), .namespace(let b)): return a === b
            case (.undefined, .undefined): return false
            default:
                // Identity of other Python objects: small ints and interned strings would be
                // implementation details; equal values of the same type is the honest reading.
                if case .int(let a) = value, case .int(let b) = other { return a == b }
                return false
            }
        case "in": return try JinjaOperators.contains(try argument(), value)
        case "eq", "equalto", "==": return try JinjaValue.equal(value, try argument())
        case "ne", "!=": return try !JinjaValue.equal(value, try argument())
        case "lt", "lessthan", "<": return try JinjaOperators.less(value, try argument())
        case "le", "<=": return try !JinjaOperators.less(try argument(), value)
        case "gt", "greaterthan", ">": return try JinjaOperators.less(try argument(), value)
        case "ge", ">=": return try !JinjaOperators.less(value, try argument())
        case "odd", "even":
            try noArguments()
            let r = try JinjaOperators.binary(.modulo, value, .int(2))
            return try JinjaValue.equal(r, .int(name == "odd" ? 1 : 0))
        case "divisibleby":
            let r = try JinjaOperators.binary(.modulo, value, try argument())
            return try JinjaValue.equal(r, .int(0))
        case "lower", "upper":
            try noArguments()
            let text = try value.pythonString()
            let r = try JinjaMethods.call(.string(text), name == "lower" ? "islower" : "isupper", JinjaArguments())
            return r.isTruthy
        case "filter", "test":
            try noArguments()
            guard let n = value.text else { return false }
            return name == "filter" ? JinjaFilters.names.contains(n) : names.contains(n)
        default:
            throw JinjaFailure("No test named '\(name)'.")
        }
    }
}
