// The values a template computes with while it renders: TemplateValue's JSON shapes plus the
// things that only exist inside jinja2 (undefined, tuples, namespaces, macros, bound methods),
// with Python's truthiness, equality and `str()`.

/// A runtime value. `undefined` carries the message jinja2 would give when it is misused.
enum JinjaValue {
    case undefined(String)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    /// markupsafe's `Markup`: text already escaped (from `| e`) or declared safe (`| safe`); a
    /// plain string added to it with `+` gets HTML-escaped.
    case markup(String)
    case list([JinjaValue])
    case tuple([JinjaValue])
    case dict(JinjaDict)
    case namespace(JinjaNamespace)
    case callable(JinjaCallable)

    static func undefinedName(_ name: String) -> JinjaValue { .undefined("'\(name)' is undefined") }

    init(_ value: TemplateValue) {
        switch value {
        case .null: self = .none
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .array(let a): self = .list(a.map(JinjaValue.init))
        case .object(let o):
            var d = JinjaDict()
            for (k, v) in o { d[k] = JinjaValue(v) }
            self = .dict(d)
        }
    }

    /// The text of a string or of Markup (a `str` subclass in Python).
    var text: String? {
        switch self {
        case .string(let s), .markup(let s): return s
        default: return nil
        }
    }

    var isUndefined: Bool { if case .undefined = self { return true } else { return false } }
    var isNone: Bool { if case .none = self { return true } else { return false } }

    /// Python's name for the value's type, as error messages print it.
    var typeName: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .markup: return "Markup"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .namespace: return "Namespace"
        case .callable: return "function"
        }
    }

    /// Python truthiness (`bool(x)`); undefined is false.
    var isTruthy: Bool {
        switch self {
        case .undefined, .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s), .markup(let s): return !s.isEmpty
        case .list(let a), .tuple(let a): return !a.isEmpty
        case .dict(let d): return !d.isEmpty
        case .namespace, .callable: return true
        }
    }

    /// The value as a number when Python treats it as one (bool is an int).
    var number: JinjaNumber? {
        switch self {
        case .bool(let b): return .int(b ? 1 : 0)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        default: return nil
        }
    }

    /// The elements a `for` loop (or `list()`) sees: list items, dict keys, string characters;
    /// nothing for undefined.
    func iterated() throws(JinjaFailure) -> [JinjaValue] {
        switch self {
        case .undefined: return []
        case .list(let a), .tuple(let a): return a
        case .dict(let d): return d.keys.map { .string($0) }
        case .string(let s), .markup(let s): return s.unicodeScalars.map { .string(String(Character($0))) }
        default: throw JinjaFailure("TypeError: '\(typeName)' object is not iterable")
        }
    }

    /// `len(x)`; undefined has length 0 as in jinja2.
    func length() throws(JinjaFailure) -> Int {
        switch self {
        case .undefined: return 0
        case .string(let s), .markup(let s): return PythonText.length(s)
        case .list(let a), .tuple(let a): return a.count
        case .dict(let d): return d.count
        default: throw JinjaFailure("TypeError: object of type '\(typeName)' has no len()")
        }
    }

    /// The value as JSON data, for `tojson`.
    func templateValue(depth: Int = 0) throws(JinjaFailure) -> TemplateValue {
        guard depth < JinjaLimits.valueDepth else { throw JinjaFailure("RecursionError: value nested too deeply") }
        switch self {
        case .none: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s), .markup(let s): return .string(s)
        case .list(let a), .tuple(let a):
            var out: [TemplateValue] = []
            for v in a { out.append(try v.templateValue(depth: depth + 1)) }
            return .array(out)
        case .dict(let d):
            var o = TemplateObject()
            for (k, v) in d { o[k] = try v.templateValue(depth: depth + 1) }
            return .object(o)
        default:
            throw JinjaFailure("TypeError: Object of type \(typeName) is not JSON serializable")
        }
    }

    /// Python's `str(x)`, which `{{ x }}` prints; undefined prints as nothing.
    func pythonString(depth: Int = 0) throws(JinjaFailure) -> String {
        switch self {
        case .undefined: return ""
        case .string(let s), .markup(let s): return s
        default: return try pythonRepr(depth: depth)
        }
    }

    /// Python's `repr(x)`, used for the elements of printed containers.
    func pythonRepr(depth: Int = 0) throws(JinjaFailure) -> String {
        guard depth < JinjaLimits.valueDepth else { throw JinjaFailure("RecursionError: value nested too deeply") }
        switch self {
        case .undefined: return "Undefined"
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return PythonText.floatRepr(d)
        case .string(let s): return PythonText.repr(s)
        case .markup(let s): return "Markup(" + PythonText.repr(s) + ")"
        case .list(let a):
            var parts: [String] = []
            for v in a { parts.append(try v.pythonRepr(depth: depth + 1)) }
            return "[" + parts.joined(separator: ", ") + "]"
        case .tuple(let a):
            var parts: [String] = []
            for v in a { parts.append(try v.pythonRepr(depth: depth + 1)) }
            return "(" + parts.joined(separator: ", ") + (a.count == 1 ? ",)" : ")")
        case .dict(let d):
            return try d.pythonRepr(depth: depth)
        case .namespace(let ns):
            return "<Namespace " + (try ns.attributes.pythonRepr(depth: depth)) + ">"
        case .callable(let c):
            return "<function \(c.name)>"
        }
    }

    /// Python's `==` (numbers compare by value across bool/int/float; dicts ignore order; two
    /// undefined values are equal, as in jinja2).
    static func equal(_ a: JinjaValue, _ b: JinjaValue, depth: Int = 0) throws(JinjaFailure) -> Bool {
        guard depth < JinjaLimits.valueDepth else { throw JinjaFailure("RecursionError: value nested too deeply") }
        if let x = a.number, let y = b.number { return x == y }
        if let x = a.text, let y = b.text { return PythonText.equal(x, y) }
        switch (a, b) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)):
            guard x.count == y.count else { return false }
            for (u, v) in zip(x, y) where !(try equal(u, v, depth: depth + 1)) { return false }
            return true
        case (.dict(let x), .dict(let y)):
            guard x.count == y.count else { return false }
            for (k, v) in x {
                guard let w = y[k], try equal(v, w, depth: depth + 1) else { return false }
            }
            return true
        case (.namespace(let x), .namespace(let y)): return x === y
        default: return false
        }
    }
}

/// An int or a float after Python's bool→int promotion.
enum JinjaNumber: Equatable {
    case int(Int)
    case double(Double)

    var asDouble: Double {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        }
    }

    static func == (a: JinjaNumber, b: JinjaNumber) -> Bool {
        if case .int(let x) = a, case .int(let y) = b { return x == y }
        return a.asDouble == b.asDouble
    }
}

/// A dict with string keys in insertion order (Python dicts keep insertion order).
struct JinjaDict: Sequence {
    private(set) var keys: [String] = []
    private var storage: [String: JinjaValue] = [:]

    var count: Int { keys.count }
    var isEmpty: Bool { keys.isEmpty }

    subscript(key: String) -> JinjaValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    func makeIterator() -> AnyIterator<(key: String, value: JinjaValue)> {
        var i = 0
        return AnyIterator {
            guard i < keys.count else { return nil }
            defer { i += 1 }
            return (keys[i], storage[keys[i]]!)
        }
    }

    func pythonRepr(depth: Int) throws(JinjaFailure) -> String {
        var parts: [String] = []
        for (k, v) in self { parts.append(PythonText.repr(k) + ": " + (try v.pythonRepr(depth: depth + 1))) }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}

/// jinja2's `namespace()`: the one mutable object a template can build, shared by reference so
/// that assignments inside loops are seen after them.
final class JinjaNamespace {
    var attributes = JinjaDict()
}

/// Something a template can call.
indirect enum JinjaCallable {
    /// A global function: `range`, `namespace`, `dict`, `raise_exception`, `strftime_now`.
    case global(String)
    /// A Python method bound to its receiver (`s.strip`, `d.items`, ...).
    case method(JinjaValue, String)
    /// A `{% macro %}`.
    case macro(JinjaMacro)
    /// `loop.cycle` for the iteration with this 0-based index.
    case loopCycle(Int)

    var name: String {
        switch self {
        case .global(let n): return n
        case .method(let v, let n): return "\(v.typeName).\(n)"
        case .macro(let m): return m.definition.name
        case .loopCycle: return "loop.cycle"
        }
    }
}

/// A macro bound to the scope it was defined in (macros see that scope's variables as they are
/// when the macro is called, like a Python closure).
final class JinjaMacro {
    let definition: JinjaMacroDefinition
    let scope: JinjaScope
    init(definition: JinjaMacroDefinition, scope: JinjaScope) {
        self.definition = definition
        self.scope = scope
    }
}

/// A variable scope. The template has one; each loop iteration and macro call opens a child, so
/// `{% set %}` inside a loop does not leak out of it (jinja2's rule), while `{% if %}` shares the
/// scope it is in.
final class JinjaScope {
    private var variables: [String: JinjaValue] = [:]
    let parent: JinjaScope?

    init(parent: JinjaScope?) { self.parent = parent }

    func lookup(_ name: String) -> JinjaValue? {
        var scope: JinjaScope? = self
        while let s = scope {
            if let v = s.variables[name] { return v }
            scope = s.parent
        }
        return nil
    }

    func set(_ name: String, _ value: JinjaValue) { variables[name] = value }
}
