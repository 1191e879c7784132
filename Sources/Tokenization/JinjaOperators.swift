// Python's operators on runtime values, and jinja2's (sandboxed) attribute and item lookup.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum JinjaOperators {
    /// Longest string or list an operator may build (`'x' * n`); Python would run out of memory.
    static let maxBuiltLength = 50_000_000

    private static func overflow() -> JinjaFailure {
        JinjaFailure("OverflowError: integer result does not fit in 64 bits (Python would use a big integer)")
    }

    private static func unsupported(_ op: String, _ a: JinjaValue, _ b: JinjaValue) -> JinjaFailure {
        JinjaFailure("TypeError: unsupported operand type(s) for \(op): '\(a.typeName)' and '\(b.typeName)'")
    }

    /// Undefined values fail as soon as arithmetic or ordering touches them (jinja2's Undefined).
    static func checkDefined(_ values: JinjaValue...) throws(JinjaFailure) {
        for v in values { if case .undefined(let message) = v { throw JinjaFailure("UndefinedError: " + message) } }
    }

    static func binary(_ op: JinjaBinaryOperator, _ a: JinjaValue, _ b: JinjaValue) throws(JinjaFailure) -> JinjaValue {
        // Without autoescape jinja2 compiles `~` to str_join: plain text, Markup or not.
        if op == .concat { return .string(try a.pythonString() + b.pythonString()) }
        try checkDefined(a, b)
        // `+` is Python's: Markup.__add__/__radd__ escape the plain side.
        if op == .add, let x = a.text, let y = b.text {
            if case .markup = a { return .markup(x + (try escaped(b))) }
            if case .markup = b { return .markup((try escaped(a)) + y) }
        }
        if let x = a.number, let y = b.number { return try arithmetic(op, x, y) }
        switch (op, a, b) {
        case (.multiply, .markup(let s), _), (.multiply, _, .markup(let s)):
            guard let n = (a.text == nil ? a : b).number, case .int(let count) = n else { break }
            if case .string(let r)? = try repeated(.string(s), count) { return .markup(r) }
        case (.add, .string(let x), .string(let y)): return try built(.string(x + y), length: x.unicodeScalars.count + y.unicodeScalars.count)
        case (.add, .list(let x), .list(let y)): return try built(.list(x + y), length: x.count + y.count)
        case (.add, .tuple(let x), .tuple(let y)): return try built(.tuple(x + y), length: x.count + y.count)
        case (.multiply, _, _):
            if case .int(let n) = b.number, let r = try repeated(a, n) { return r }
            if case .int(let n) = a.number, let r = try repeated(b, n) { return r }
        case (.modulo, .string, _):
            throw JinjaFailure("printf-style string formatting ('...' % values) is not supported")
        default: break
        }
        throw unsupported(op.rawValue, a, b)
    }

    /// The text of a value as Markup holds it: Markup as is, anything else `str()`-ed and escaped.
    static func escaped(_ v: JinjaValue) throws(JinjaFailure) -> String {
        if case .markup(let s) = v { return s }
        return PythonText.htmlEscape(try v.pythonString())
    }

    private static func built(_ v: JinjaValue, length: Int) throws(JinjaFailure) -> JinjaValue {
        guard length <= maxBuiltLength else { throw JinjaFailure("MemoryError: result longer than \(maxBuiltLength)") }
        return v
    }

    /// `seq * n` for strings, lists and tuples; nil when `seq` is not a sequence.
    private static func repeated(_ seq: JinjaValue, _ n: Int) throws(JinjaFailure) -> JinjaValue? {
        let count = max(0, n)
        switch seq {
        case .string(let s):
            let (total, o) = s.unicodeScalars.count.multipliedReportingOverflow(by: count)
            guard !o else { throw overflow() }
            _ = try built(.none, length: total)
            return .string(String(repeating: s, count: count))
        case .list(let a), .tuple(let a):
            let (total, o) = a.count.multipliedReportingOverflow(by: count)
            guard !o else { throw overflow() }
            _ = try built(.none, length: total)
            var out: [JinjaValue] = []
            for _ in 0..<count { out += a }
            if case .tuple = seq { return .tuple(out) }
            return .list(out)
        default:
            return nil
        }
    }

    private static func arithmetic(_ op: JinjaBinaryOperator, _ x: JinjaNumber, _ y: JinjaNumber) throws(JinjaFailure) -> JinjaValue {
        if case .int(let a) = x, case .int(let b) = y {
            switch op {
            case .add:
                let (r, o) = a.addingReportingOverflow(b)
                if o { throw overflow() }
                return .int(r)
            case .subtract:
                let (r, o) = a.subtractingReportingOverflow(b)
                if o { throw overflow() }
                return .int(r)
            case .multiply:
                let (r, o) = a.multipliedReportingOverflow(by: b)
                if o { throw overflow() }
                return .int(r)
            case .divide:
                guard b != 0 else { throw JinjaFailure("ZeroDivisionError: division by zero") }
                return .double(Double(a) / Double(b))
            case .floorDivide, .modulo:
                guard b != 0 else { throw JinjaFailure("ZeroDivisionError: integer division or modulo by zero") }
                if a == Int.min && b == -1 { if op == .modulo { return .int(0) }; throw overflow() }
                var q = a / b, r = a % b
                if r != 0 && ((r < 0) != (b < 0)) { q -= 1; r += b }  // Python floors
                return .int(op == .floorDivide ? q : r)
            case .power:
                if b < 0 {
                    guard a != 0 else { throw JinjaFailure("ZeroDivisionError: 0.0 cannot be raised to a negative power") }
                    return .double(pow(Double(a), Double(b)))
                }
                var result = 1, base = a, e = b
                while e > 0 {
                    if e & 1 == 1 {
                        let (r, o) = result.multipliedReportingOverflow(by: base)
                        if o { throw overflow() }
                        result = r
                    }
                    e >>= 1
                    if e > 0 {
                        let (sq, o) = base.multipliedReportingOverflow(by: base)
                        if o { throw overflow() }
                        base = sq
                    }
                }
                return .int(result)
            case .concat:
                break
            }
        }
        let a = x.asDouble, b = y.asDouble
        switch op {
        case .add: return .double(a + b)
        case .subtract: return .double(a - b)
        case .multiply: return .double(a * b)
        case .divide:
            guard b != 0 else { throw JinjaFailure("ZeroDivisionError: float division by zero") }
            return .double(a / b)
        case .floorDivide, .modulo:
            guard b != 0 else { throw JinjaFailure("ZeroDivisionError: float modulo") }
            // CPython's float_divmod.
            var mod = fmod(a, b)
            var div = (a - mod) / b
            if mod != 0 {
                if (b < 0) != (mod < 0) { mod += b; div -= 1 }
            } else {
                mod = copysign(0, b)
            }
            var floorDiv: Double
            if div != 0 {
                floorDiv = div.rounded(.down)
                if div - floorDiv > 0.5 { floorDiv += 1 }
            } else {
                floorDiv = copysign(0, a / b)
            }
            return .double(op == .floorDivide ? floorDiv : mod)
        case .power:
            if a == 0 && b < 0 { throw JinjaFailure("ZeroDivisionError: 0.0 cannot be raised to a negative power") }
            if a < 0 && b != b.rounded() { throw JinjaFailure("a negative number to a fractional power is complex, which is not supported") }
            return .double(pow(a, b))
        case .concat:
            return .none
        }
    }

    static func negate(_ v: JinjaValue) throws(JinjaFailure) -> JinjaValue {
        try checkDefined(v)
        switch v.number {
        case .int(let i)?:
            guard i != Int.min else { throw overflow() }
            return .int(-i)
        case .double(let d)?: return .double(-d)
        case nil: throw JinjaFailure("TypeError: bad operand type for unary -: '\(v.typeName)'")
        }
    }

    static func plus(_ v: JinjaValue) throws(JinjaFailure) -> JinjaValue {
        try checkDefined(v)
        switch v.number {
        case .int(let i)?: return .int(i)
        case .double(let d)?: return .double(d)
        case nil: throw JinjaFailure("TypeError: bad operand type for unary +: '\(v.typeName)'")
        }
    }

    /// Python's `a < b`.
    static func less(_ a: JinjaValue, _ b: JinjaValue, depth: Int = 0) throws(JinjaFailure) -> Bool {
        try checkDefined(a, b)
        guard depth < JinjaLimits.valueDepth else { throw JinjaFailure("RecursionError: value nested too deeply") }
        if let x = a.number, let y = b.number {
            if case .int(let i) = x, case .int(let j) = y { return i < j }
            return x.asDouble < y.asDouble
        }
        if let x = a.text, let y = b.text { return PythonText.precedes(x, y) }
        switch (a, b) {
        case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)):
            for (u, v) in zip(x, y) where !(try JinjaValue.equal(u, v, depth: depth + 1)) {
                return try less(u, v, depth: depth + 1)
            }
            return x.count < y.count
        default:
            throw JinjaFailure("TypeError: '<' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
        }
    }

    static func compare(_ op: JinjaCompareOperator, _ a: JinjaValue, _ b: JinjaValue) throws(JinjaFailure) -> Bool {
        switch op {
        case .equal: return try JinjaValue.equal(a, b)
        case .notEqual: return try !JinjaValue.equal(a, b)
        case .less: return try less(a, b)
        case .greater: return try less(b, a)
        case .lessOrEqual: return try !less(b, a)
        case .greaterOrEqual: return try !less(a, b)
        case .isIn: return try contains(b, a)
        case .notIn: return try !contains(b, a)
        }
    }

    /// Python's `item in container`.
    static func contains(_ container: JinjaValue, _ item: JinjaValue) throws(JinjaFailure) -> Bool {
        switch container {
        case .undefined: return false
        case .string(let s), .markup(let s):
            guard let sub = item.text else {
                throw JinjaFailure("TypeError: 'in <string>' requires string as left operand, not \(item.typeName)")
            }
            if sub.isEmpty { return true }
            let hay = Array(s.unicodeScalars), needle = Array(sub.unicodeScalars)
            guard needle.count <= hay.count else { return false }
            for i in 0...(hay.count - needle.count) where hay[i..<(i + needle.count)].elementsEqual(needle) { return true }
            return false
        case .list(let a), .tuple(let a):
            for v in a where try JinjaValue.equal(v, item) { return true }
            return false
        case .dict(let d):
            try requireHashable(item)
            if let k = item.text { return d[k] != nil }
            return false
        default:
            throw JinjaFailure("TypeError: argument of type '\(container.typeName)' is not iterable")
        }
    }

    /// Python refuses lists and dicts (and tuples holding them) as dict keys or set members.
    static func requireHashable(_ v: JinjaValue) throws(JinjaFailure) {
        switch v {
        case .list, .dict: throw JinjaFailure("TypeError: unhashable type: '\(v.typeName)'")
        case .tuple(let items): for i in items { try requireHashable(i) }
        default: break
        }
    }

    /// `obj.name` as jinja2's sandboxed `getattr`: Python attributes (methods) first, then items.
    static func attribute(_ obj: JinjaValue, _ name: String) throws(JinjaFailure) -> JinjaValue {
        try checkDefined(obj)
        if name.hasPrefix("_") { return .undefined("access to attribute '\(name)' of '\(obj.typeName)' object is unsafe.") }
        switch JinjaMethods.lookup(obj, name) {
        case .available: return .callable(.method(obj, name))
        case .unsafe: return .undefined("access to attribute '\(name)' of '\(obj.typeName)' object is unsafe.")
        case .absent: break
        }
        switch obj {
        case .dict(let d): if let v = d[name] { return v }
        case .namespace(let ns): if let v = ns.attributes[name] { return v }
        default: break
        }
        return .undefined("'\(obj.typeName) object' has no attribute '\(name)'")
    }

    /// `obj[key]` as jinja2's sandboxed `getitem`: items first, then (for string keys) attributes.
    static func item(_ obj: JinjaValue, _ key: JinjaValue) throws(JinjaFailure) -> JinjaValue {
        try checkDefined(obj)
        switch (obj, key) {
        case (.dict(let d), _):
            if let k = key.text, let v = d[k] { return v }
        case (.list(let a), _), (.tuple(let a), _):
            if case .int(let i)? = key.number {
                let j = i < 0 ? i + a.count : i
                return a.indices.contains(j) ? a[j] : .undefined("\(obj.typeName) object has no element \(i)")
            }
        case (.string(let s), _), (.markup(let s), _):
            if case .int(let i)? = key.number {
                let scalars = Array(s.unicodeScalars)
                let j = i < 0 ? i + scalars.count : i
                guard scalars.indices.contains(j) else { return .undefined("str object has no element \(i)") }
                let c = String(Character(scalars[j]))
                if case .markup = obj { return .markup(c) }
                return .string(c)
            }
        default: break
        }
        if let name = key.text { return try attribute(obj, name) }
        return .undefined("'\(obj.typeName) object' has no element \((try? key.pythonRepr()) ?? "?")")
    }

    /// `obj[start:stop:step]` with Python's index adjustment. jinja2 compiles slices to plain
    /// Python subscripts (not its forgiving `getitem`), so misuse is an error, not undefined.
    static func slice(_ obj: JinjaValue, _ start: JinjaValue, _ stop: JinjaValue, _ step: JinjaValue) throws(JinjaFailure) -> JinjaValue {
        try checkDefined(obj)
        func index(_ v: JinjaValue) throws(JinjaFailure) -> Int? {
            if v.isNone { return nil }
            if case .int(let i)? = v.number { return i }
            throw JinjaFailure("TypeError: slice indices must be integers or None or have an __index__ method")
        }
        let lo = try index(start), hi = try index(stop), st = try index(step)
        let stride = st ?? 1
        guard stride != 0 else { throw JinjaFailure("ValueError: slice step cannot be zero") }
        func pick(_ count: Int) -> [Int] {
            let lower = stride > 0 ? 0 : -1, upper = stride > 0 ? count : count - 1
            func adjust(_ v: Int?, _ fallback: Int) -> Int {
                guard var v else { return fallback }
                if v < 0 { v += count; if v < lower { v = lower } } else if v > upper { v = upper }
                return v
            }
            var i = adjust(lo, stride > 0 ? lower : upper)
            let end = adjust(hi, stride > 0 ? upper : lower)
            var out: [Int] = []
            while stride > 0 ? i < end : i > end { out.append(i); i += stride }
            return out
        }
        switch obj {
        case .list(let a): return .list(pick(a.count).map { a[$0] })
        case .tuple(let a): return .tuple(pick(a.count).map { a[$0] })
        case .string(let s), .markup(let s):
            let scalars = Array(s.unicodeScalars)
            let sliced = PythonText.string(pick(scalars.count).map { scalars[$0] })
            if case .markup = obj { return .markup(sliced) }
            return .string(sliced)
        case .dict:
            throw JinjaFailure("TypeError: unhashable type: 'slice'")
        default:
            throw JinjaFailure("TypeError: '\(obj.typeName)' object is not subscriptable")
        }
    }
}
