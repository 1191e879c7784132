// Expression evaluation with Python's semantics (short-circuit `and`/`or` returning operands,
// chained comparisons, undefined names that only fail when used).

extension JinjaInterpreter {
    mutating func evaluate(_ e: JinjaExpression, in scope: JinjaScope) throws(ChatTemplateError) -> JinjaValue {
        try enter(e.position)
        defer { depth -= 1 }
        let p = e.position
        switch e.kind {
        case .constant(let c):
            switch c {
            case .none: return .none
            case .bool(let b): return .bool(b)
            case .int(let i): return .int(i)
            case .double(let d): return .double(d)
            case .string(let s): return .string(s)
            }
        case .name(let name):
            return scope.lookup(name) ?? .undefinedName(name)
        case .list(let items):
            var out: [JinjaValue] = []
            for item in items { out.append(try evaluate(item, in: scope)) }
            return .list(out)
        case .tuple(let items):
            var out: [JinjaValue] = []
            for item in items { out.append(try evaluate(item, in: scope)) }
            return .tuple(out)
        case .dict(let entries):
            var d = JinjaDict()
            for entry in entries {
                let key = try evaluate(entry.key, in: scope)
                guard let k = key.text else {
                    throw .unsupported(construct: "a dict key of type '\(key.typeName)' (only string keys)",
                                       line: entry.key.position.line, column: entry.key.position.column)
                }
                d[k] = try evaluate(entry.value, in: scope)
            }
            return .dict(d)
        case .attribute(let base, let name):
            let v = try evaluate(base, in: scope)
            return try at(p) { () throws(JinjaFailure) in try JinjaOperators.attribute(v, name) }
        case .item(let base, let key):
            let v = try evaluate(base, in: scope)
            let k = try evaluate(key, in: scope)
            return try at(p) { () throws(JinjaFailure) in try JinjaOperators.item(v, k) }
        case .slice(let base, let start, let stop, let step):
            let v = try evaluate(base, in: scope)
            let a = try start.map { (x: JinjaExpression) throws(ChatTemplateError) in try evaluate(x, in: scope) } ?? .none
            let b = try stop.map { (x: JinjaExpression) throws(ChatTemplateError) in try evaluate(x, in: scope) } ?? .none
            let c = try step.map { (x: JinjaExpression) throws(ChatTemplateError) in try evaluate(x, in: scope) } ?? .none
            return try at(p) { () throws(JinjaFailure) in try JinjaOperators.slice(v, a, b, c) }
        case .call(let callee, let arguments):
            let f = try evaluate(callee, in: scope)
            let args = try evaluate(arguments, in: scope)
            return try call(f, args, at: p)
        case .filter(let base, let name, let arguments):
            let v = try evaluate(base, in: scope)
            let args = try evaluate(arguments, in: scope)
            return try at(p) { () throws(JinjaFailure) in try JinjaFilters.apply(name, v, args) }
        case .test(let base, let name, let arguments, let negated):
            let v = try evaluate(base, in: scope)
            let args = try evaluate(arguments, in: scope)
            let result = try at(p) { () throws(JinjaFailure) in try JinjaTestFunctions.apply(name, v, args) }
            return .bool(result != negated)
        case .negate(let x):
            let v = try evaluate(x, in: scope)
            return try at(p) { () throws(JinjaFailure) in try JinjaOperators.negate(v) }
        case .plus(let x):
            let v = try evaluate(x, in: scope)
            return try at(p) { () throws(JinjaFailure) in try JinjaOperators.plus(v) }
        case .not(let x):
            return .bool(!(try evaluate(x, in: scope).isTruthy))
        case .binary(let op, let l, let r):
            let a = try evaluate(l, in: scope)
            let b = try evaluate(r, in: scope)
            return try at(p) { () throws(JinjaFailure) in try JinjaOperators.binary(op, a, b) }
        case .and(let l, let r):
            let a = try evaluate(l, in: scope)
            return a.isTruthy ? try evaluate(r, in: scope) : a
        case .or(let l, let r):
            let a = try evaluate(l, in: scope)
            return a.isTruthy ? a : try evaluate(r, in: scope)
        case .compare(let first, let comparisons):
            var left = try evaluate(first, in: scope)
            for comparison in comparisons {
                let right = try evaluate(comparison.operand, in: scope)
                let l = left
                let ok = try at(comparison.operand.position) { () throws(JinjaFailure) in
                    try JinjaOperators.compare(comparison.op, l, right)
                }
                if !ok { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .conditional(let condition, let then, let otherwise):
            if try evaluate(condition, in: scope).isTruthy { return try evaluate(then, in: scope) }
            if let otherwise { return try evaluate(otherwise, in: scope) }
            return .undefined("the inline if-expression on line \(p.line) evaluated to false and no else section was defined.")
        }
    }

    mutating func evaluate(_ arguments: [JinjaArgument], in scope: JinjaScope) throws(ChatTemplateError) -> JinjaArguments {
        var out = JinjaArguments()
        for argument in arguments {
            let v = try evaluate(argument.value, in: scope)
            if let name = argument.name { out.keywords.append((name, v)) } else { out.positional.append(v) }
        }
        return out
    }

    /// Calls a function value: globals, bound methods, macros and `loop.cycle`.
    mutating func call(_ f: JinjaValue, _ args: JinjaArguments, at p: SourcePosition) throws(ChatTemplateError) -> JinjaValue {
        guard case .callable(let callable) = f else {
            if case .undefined(let message) = f {
                throw .runtime(message: "UndefinedError: " + message, line: p.line, column: p.column)
            }
            throw .runtime(message: "TypeError: '\(f.typeName)' object is not callable", line: p.line, column: p.column)
        }
        switch callable {
        case .macro(let macro):
            return try call(macro, args, at: p)
        case .method(let receiver, let name):
            return try at(p) { () throws(JinjaFailure) in try JinjaMethods.call(receiver, name, args) }
        case .loopCycle(let index):
            let values = args.positional
            guard !values.isEmpty else { throw .runtime(message: "TypeError: no items for cycling given", line: p.line, column: p.column) }
            return values[index % values.count]
        case .global(let name):
            return try callGlobal(name, args, at: p)
        }
    }

    func callGlobal(_ name: String, _ args: JinjaArguments, at p: SourcePosition) throws(ChatTemplateError) -> JinjaValue {
        switch name {
        case "raise_exception":
            let message = try at(p) { () throws(JinjaFailure) -> String in
                let a = try args.bind(["message"], function: name)
                return try (a[0] ?? .string("")).pythonString()
            }
            throw .raised(message: message)
        case "strftime_now":
            let format = try at(p) { () throws(JinjaFailure) -> String in
                try args.positionalOnly(1...1, function: name)[0].stringArgument("format")
            }
            return .string(Self.strftimeNow(format))
        case "range":
            return try at(p) { () throws(JinjaFailure) -> JinjaValue in
                let a = try args.positionalOnly(1...3, function: name)
                var bounds: [Int] = []
                for v in a { bounds.append(try v.intArgument("range() argument")) }
                let (start, stop) = bounds.count == 1 ? (0, bounds[0]) : (bounds[0], bounds[1])
                let step = bounds.count == 3 ? bounds[2] : 1
                guard step != 0 else { throw JinjaFailure("ValueError: range() arg 3 must not be zero") }
                let (span, overflow) = step > 0 ? stop.subtractingReportingOverflow(start) : start.subtractingReportingOverflow(stop)
                let count = span <= 0 ? 0 : Int((UInt(span) - 1) / step.magnitude + 1)
                guard !overflow, count <= JinjaLimits.maxRange else {
                    throw JinjaFailure("OverflowError: Range too big. The sandbox blocks ranges larger than MAX_RANGE (\(JinjaLimits.maxRange)).")
                }
                return .list((0..<count).map { .int(start + $0 * step) })
            }
        case "namespace", "dict":
            return try at(p) { () throws(JinjaFailure) -> JinjaValue in
                var attributes = JinjaDict()
                guard args.positional.count <= 1 else { throw JinjaFailure("TypeError: \(name)() takes at most 1 positional argument") }
                if let initial = args.positional.first {
                    guard case .dict(let d) = initial else { throw JinjaFailure("TypeError: \(name)() argument must be a mapping") }
                    attributes = d
                }
                for (k, v) in args.keywords { attributes[k] = v }
                if name == "dict" { return .dict(attributes) }
                let ns = JinjaNamespace()
                ns.attributes = attributes
                return .namespace(ns)
            }
        default:
            throw .runtime(message: "unknown global function '\(name)'", line: p.line, column: p.column)
        }
    }
}
