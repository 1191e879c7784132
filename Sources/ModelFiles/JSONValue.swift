/// A JSON value with object members kept in file order and their keys byte for byte: the one
/// JSON reader for `tokenizer.json`, corpus JSONL records and other files that must round-trip.
/// (Swift dictionaries key strings by canonical equivalence, so Gemma's vocabulary, which holds
/// both `য়` and `য়`, would lose entries in one.)
public indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// A number; `integer` when it is written without fraction or exponent and fits in an Int.
    case number(Double, integer: Int?)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var int: Int? { if case .number(_, let i) = self { return i } else { return nil } }
    public var array: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var members: [(key: String, value: JSONValue)]? { if case .object(let m) = self { return m } else { return nil } }
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The value of the last member named `key` (compared byte for byte), if this is an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key.utf8.elementsEqual(key.utf8) }?.value
    }

    /// A syntax error: what was wrong and at which byte offset of the text.
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var offset: Int
        public var description: String { "\(message) at byte \(offset)" }
    }

    /// Parses JSON text (RFC 8259: no leading zeros, no NaN); a lone surrogate escape becomes
    /// U+FFFD; arrays and objects nest at most `maxDepth` levels.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 200) throws(SyntaxError) -> JSONValue {
        var reader = JSONValueReader(bytes: bytes, maxDepth: maxDepth)
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        if reader.pos < bytes.count { throw SyntaxError(message: "trailing characters", offset: reader.pos) }
        return value
    }
}

/// Recursive descent over UTF-8 bytes.
private struct JSONValueReader {
    typealias Failure = JSONValue.SyntaxError

    let bytes: [UInt8]
    let maxDepth: Int
    var pos = 0

    func fail(_ message: String) -> Failure { Failure(message: message, offset: pos) }

    mutating func skipSpace() {
        while pos < bytes.count, bytes[pos] == 0x20 || bytes[pos] == 0x0A || bytes[pos] == 0x0D || bytes[pos] == 0x09 { pos += 1 }
    }

    mutating func value(depth: Int) throws(Failure) -> JSONValue {
        guard depth < maxDepth else { throw fail("nested deeper than \(maxDepth) levels") }
        skipSpace()
        guard pos < bytes.count else { throw fail("unexpected end") }
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            pos += 1
            var members = [(key: String, value: JSONValue)]()
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
            while true {
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                let key = try string()
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                pos += 1
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard pos < bytes.count else { throw fail("unterminated object") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
                throw fail("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            pos += 1
            var items = [JSONValue]()
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            while true {
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard pos < bytes.count else { throw fail("unterminated array") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
                throw fail("expected ',' or ']'")
            }
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try word("true", .bool(true))
        case UInt8(ascii: "f"): return try word("false", .bool(false))
        case UInt8(ascii: "n"): return try word("null", .null)
        default: return try number()
        }
    }

    mutating func word(_ w: StaticString, _ v: JSONValue) throws(Failure) -> JSONValue {
        let n = w.utf8CodeUnitCount
        guard pos + n <= bytes.count, (0..<n).allSatisfy({ bytes[pos + $0] == w.utf8Start[$0] }) else { throw fail("invalid literal") }
        pos += n
        return v
    }

    mutating func string() throws(Failure) -> String {
        pos += 1
        let start = pos
        // Fast path: no escapes.
        while pos < bytes.count, bytes[pos] != UInt8(ascii: "\""), bytes[pos] != UInt8(ascii: "\\"), bytes[pos] >= 0x20 { pos += 1 }
        guard pos < bytes.count else { throw fail("unterminated string") }
        if bytes[pos] == UInt8(ascii: "\"") {
            pos += 1
            return String(decoding: bytes[start..<(pos - 1)], as: UTF8.self)
        }
        var out = Array(bytes[start..<pos])
        while true {
            guard pos < bytes.count else { throw fail("unterminated string") }
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") { pos += 1; break }
            if c < 0x20 { throw fail("control character in string") }
            pos += 1
            if c != UInt8(ascii: "\\") { out.append(c); continue }
            guard pos < bytes.count else { throw fail("unterminated escape") }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code), pos + 6 <= bytes.count, bytes[pos] == UInt8(ascii: "\\"),
                   bytes[pos + 1] == UInt8(ascii: "u") {
                    let save = pos
                    pos += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) { code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00) } else { pos = save }
                }
                out.append(contentsOf: Array(String(Unicode.Scalar(code) ?? "\u{FFFD}").utf8))
            default: throw fail("invalid escape")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func hex4() throws(Failure) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos] | 0x20
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            default: throw fail("invalid \\u escape")
            }
            v = v << 4 | UInt32(d)
            pos += 1
        }
        return v
    }

    mutating func number() throws(Failure) -> JSONValue {
        let start = pos
        var integer = true
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        func digits(_ r: inout JSONValueReader) -> Int {
            let s = r.pos
            while r.pos < r.bytes.count, r.bytes[r.pos] >= 0x30, r.bytes[r.pos] <= 0x39 { r.pos += 1 }
            return r.pos - s
        }
        // An integer part of "0", or a non-zero digit and more (RFC 8259 has no leading zeros).
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "0") { pos += 1 } else {
            guard digits(&self) > 0 else { throw fail("unexpected character") }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            integer = false
            guard digits(&self) > 0 else { throw fail("invalid number") }
        }
        if pos < bytes.count, bytes[pos] | 0x20 == UInt8(ascii: "e") {
            pos += 1
            integer = false
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard digits(&self) > 0 else { throw fail("invalid number") }
        }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
        guard let d = Double(text) else { throw fail("invalid number") }
        return .number(d, integer: integer ? Int(text) : nil)
    }
}
