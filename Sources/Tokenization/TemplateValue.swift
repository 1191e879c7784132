/// A JSON-like value handed to a chat template: messages, tools and any other template variable.
///
/// Objects keep their keys in insertion order, because templates render them in that order
/// (`tool | tojson` must print `name` before `parameters` when the caller wrote it so).
/// Equality is structural and order-sensitive: two objects with the same entries in a different
/// order render differently, so they are not equal.
public enum TemplateValue: Sendable, Equatable {
    /// JSON `null`, Python `None`.
    case null
    /// JSON `true`/`false`, Python `True`/`False`.
    case bool(Bool)
    /// An integer (JSON numbers without a fraction or exponent that fit in 64 bits).
    case int(Int)
    /// A floating-point number.
    case double(Double)
    /// A string.
    case string(String)
    /// An array (Python list).
    case array([TemplateValue])
    /// An object with string keys in insertion order (Python dict).
    case object(TemplateObject)

    /// The string, if this is a string.
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    /// The integer, if this is an integer.
    public var intValue: Int? { if case .int(let i) = self { return i } else { return nil } }
    /// The number as a `Double`, if this is an integer or a double.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
    /// The Boolean, if this is a Boolean.
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    /// The elements, if this is an array.
    public var arrayValue: [TemplateValue]? { if case .array(let a) = self { return a } else { return nil } }
    /// The object, if this is an object.
    public var objectValue: TemplateObject? { if case .object(let o) = self { return o } else { return nil } }
    /// Whether this is `null`.
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The value under `key` when this is an object that has it, else nil.
    public subscript(key: String) -> TemplateValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The element at `index` when this is an array and the index is in range, else nil.
    public subscript(index: Int) -> TemplateValue? {
        if case .array(let a) = self, a.indices.contains(index) { return a[index] }
        return nil
    }

    /// The value as Python's `str()` prints it, which is what `{{ value }}` renders:
    /// `True`, `None`, `1.0`, `1e-05`, `[1, 'a']`, `{'k': None}`; a string prints as itself.
    public var pythonDescription: String {
        // Values built in Swift can nest arbitrarily; past jinja2's own limits, say so.
        (try? JinjaValue(self).pythonString()) ?? "<nested too deeply>"
    }
}

/// A string-keyed dictionary that remembers the order in which keys were first inserted, like a
/// Python dict or a JSON object as written.
public struct TemplateObject: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// The keys in insertion order.
    public private(set) var keys: [String] = []
    private var storage: [String: TemplateValue] = [:]

    /// An empty object.
    public init() {}

    /// An object with `entries` in the given order; a repeated key keeps its first position and
    /// its last value, as in Python.
    public init(_ entries: [(String, TemplateValue)]) {
        for (key, value) in entries { self[key] = value }
    }

    /// An object with the literal's entries in the order written.
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self.init(elements)
    }

    /// The number of entries.
    public var count: Int { keys.count }
    /// Whether the object has no entries.
    public var isEmpty: Bool { keys.isEmpty }

    /// The value for `key`. Setting a new key appends it; setting nil removes the key.
    public subscript(key: String) -> TemplateValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// The entries in insertion order.
    public func makeIterator() -> AnyIterator<(key: String, value: TemplateValue)> {
        var index = 0
        return AnyIterator {
            guard index < keys.count else { return nil }
            defer { index += 1 }
            let key = keys[index]
            return (key, storage[key]!)
        }
    }

    /// Same keys in the same order with equal values.
    public static func == (a: TemplateObject, b: TemplateObject) -> Bool {
        a.keys == b.keys && a.storage == b.storage
    }
}

extension TemplateValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// `nil` is `.null`.
    public init(nilLiteral: ()) { self = .null }
    /// A Boolean literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer literal.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A floating-point literal.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// A string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array literal.
    public init(arrayLiteral elements: TemplateValue...) { self = .array(elements) }
    /// A dictionary literal; keys keep the order written.
    public init(dictionaryLiteral elements: (String, TemplateValue)...) { self = .object(TemplateObject(elements)) }
}
