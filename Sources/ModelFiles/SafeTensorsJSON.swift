/// A JSON value of a safetensors header or shard index, with the file offset where it starts.
///
/// A strict RFC 8259 parser of its own (ModelFiles has no Foundation): integers stay exact (a
/// Double would lose offsets past 2^53), objects keep their members in order with duplicates
/// (so the caller can reject them, which Foundation would hide), and every error has a byte offset.
struct SafeTensorsJSON {
    enum Value {
        case object([Member])
        case array([SafeTensorsJSON])
        case string(String)
        /// A literal without fraction or exponent that fits in `Int`.
        case integer(Int)
        /// Any other number.
        case number(Double)
        case bool(Bool)
        case null
    }

    struct Member {
        let key: String
        let value: SafeTensorsJSON
    }

    struct SyntaxError: Error {
        /// Offset in the file.
        let offset: Int
        let reason: String
    }

    let value: Value
    let offset: Int

    /// What the value is, for messages ("expected an object, found a string").
    var kind: String {
        switch value {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .integer: return "an integer"
        case .number: return "a non-integer number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }

    /// Parses one JSON value filling `bytes` (surrounding whitespace allowed); `base` is the file
    /// offset of `bytes[0]`, added to error offsets.
    static func parse(_ bytes: UnsafeRawBufferPointer, base: Int) throws(SyntaxError) -> SafeTensorsJSON {
        var scanner = Scanner(bytes: bytes, base: base)
        scanner.skipWhitespace()
        let value = try scanner.value(depth: 0)
        scanner.skipWhitespace()
        if scanner.position < bytes.count { throw scanner.error("unexpected \(scanner.describeNext()) after the JSON value") }
        return value
    }

    /// Appends `s` as a JSON string literal, escaped as serde_json (the reference writer) does:
    /// `"` and `\`, the short forms \b \t \n \f \r, other control characters as lowercase \u00xx,
    /// everything else (including non-ASCII) as raw UTF-8.
    static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), b]
            case 0x08: out += Array(#"\b"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0C: out += Array(#"\f"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            case 0..<0x20: out += Array(#"\u00"#.utf8) + [hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// A cursor over JSON bytes; every read is bounds-checked, nesting is limited.
private struct Scanner {
    let bytes: UnsafeRawBufferPointer
    let base: Int
    var position = 0
    /// Deeper nesting than this is an error, not a stack overflow.
    static let maxDepth = 128

    init(bytes: UnsafeRawBufferPointer, base: Int) { self.bytes = bytes; self.base = base }

    func error(_ reason: String, at offset: Int? = nil) -> SafeTensorsJSON.SyntaxError {
        .init(offset: base + (offset ?? position), reason: reason)
    }

    func describeNext() -> String {
        guard position < bytes.count else { return "end of the JSON" }
        let b = bytes[position]
        return (0x21...0x7E).contains(b) ? "'\(Character(UnicodeScalar(b)))'" : "byte 0x" + String(b, radix: 16)
    }

    mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    mutating func value(depth: Int) throws(SafeTensorsJSON.SyntaxError) -> SafeTensorsJSON {
        let start = position
        guard position < bytes.count else { throw error("unexpected end of the JSON, expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            guard depth < Self.maxDepth else { throw error("nested more than \(Self.maxDepth) levels deep") }
            return .init(value: .object(try members(depth: depth + 1)), offset: base + start)
        case UInt8(ascii: "["):
            guard depth < Self.maxDepth else { throw error("nested more than \(Self.maxDepth) levels deep") }
            return .init(value: .array(try elements(depth: depth + 1)), offset: base + start)
        case UInt8(ascii: "\""): return .init(value: .string(try string()), offset: base + start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .init(value: try number(), offset: base + start)
        case UInt8(ascii: "t"): try literal("true"); return .init(value: .bool(true), offset: base + start)
        case UInt8(ascii: "f"): try literal("false"); return .init(value: .bool(false), offset: base + start)
        case UInt8(ascii: "n"): try literal("null"); return .init(value: .null, offset: base + start)
        default: throw error("unexpected \(describeNext()), expected a value")
        }
    }

    mutating func literal(_ word: String) throws(SafeTensorsJSON.SyntaxError) {
        for b in word.utf8 {
            guard position < bytes.count, bytes[position] == b else { throw error("invalid literal, expected '\(word)'") }
            position += 1
        }
    }

    mutating func expect(_ c: Unicode.Scalar, _ context: String) throws(SafeTensorsJSON.SyntaxError) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: c) else {
            throw error("unexpected \(describeNext()), expected '\(c)' \(context)")
        }
        position += 1
    }

    /// Whether the next non-space byte is `c` (consumed if so).
    mutating func take(_ c: Unicode.Scalar) -> Bool {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: c) else { return false }
        position += 1
        return true
    }

    mutating func members(depth: Int) throws(SafeTensorsJSON.SyntaxError) -> [SafeTensorsJSON.Member] {
        position += 1  // {
        var out = [SafeTensorsJSON.Member]()
        if take("}") { return out }
        repeat {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw error("unexpected \(describeNext()), expected a string key")
            }
            let key = try string()
            try expect(":", "after key \"\(key)\"")
            skipWhitespace()
            out.append(.init(key: key, value: try value(depth: depth)))
        } while take(",")
        try expect("}", "or ',' in object")
        return out
    }

    mutating func elements(depth: Int) throws(SafeTensorsJSON.SyntaxError) -> [SafeTensorsJSON] {
        position += 1  // [
        var out = [SafeTensorsJSON]()
        if take("]") { return out }
        repeat {
            skipWhitespace()
            out.append(try value(depth: depth))
        } while take(",")
        try expect("]", "or ',' in array")
        return out
    }

    /// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    mutating func number() throws(SafeTensorsJSON.SyntaxError) -> SafeTensorsJSON.Value {
        let start = position
        func digits(_ s: inout Scanner) -> Int {
            let from = s.position
            while s.position < s.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(s.bytes[s.position]) { s.position += 1 }
            return s.position - from
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let intStart = position
        let intDigits = digits(&self)
        guard intDigits > 0 else { throw error("invalid number: no digits after '-'", at: start) }
        guard intDigits == 1 || bytes[intStart] != UInt8(ascii: "0") else { throw error("invalid number: leading zero", at: start) }
        var integral = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            integral = false
            guard digits(&self) > 0 else { throw error("invalid number: no digits after '.'", at: start) }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            integral = false
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits(&self) > 0 else { throw error("invalid number: no digits in exponent", at: start) }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if integral, let i = Int(text) { return .integer(i) }
        guard let d = Double(text) else { throw error("invalid number \(text)", at: start) }
        return .number(d)
    }

    mutating func string() throws(SafeTensorsJSON.SyntaxError) -> String {
        let start = position
        position += 1  // "
        var out = [UInt8]()
        while true {
            guard position < bytes.count else { throw error("unterminated string", at: start) }
            let b = bytes[position]
            switch b {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape(into: &out)
            case 0..<0x20:
                throw error("control character 0x\(String(b, radix: 16)) inside a string (must be escaped)")
            case 0x20..<0x80:
                out.append(b)
                position += 1
            default:
                // Validate one UTF-8 scalar (no overlong forms, surrogates or values past U+10FFFF).
                var it = UnsafeRawBufferPointer(rebasing: bytes[position..<min(bytes.count, position + 4)]).makeIterator()
                var decoder = UTF8()
                guard case .scalarValue(let scalar) = decoder.decode(&it) else { throw error("invalid UTF-8") }
                let width = UTF8.width(scalar)
                out += bytes[position..<position + width]
                position += width
            }
        }
    }

    mutating func escape(into out: inout [UInt8]) throws(SafeTensorsJSON.SyntaxError) {
        let at = position
        position += 1
        guard position < bytes.count else { throw error("unterminated escape", at: at) }
        let c = bytes[position]
        position += 1
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(c)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var code = try hex4(at: at)
            if (0xD800..<0xDC00).contains(code) {
                // A high surrogate must be followed by an escaped low one.
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired surrogate \\u\(String(code, radix: 16))", at: at)
                }
                position += 2
                let low = try hex4(at: at)
                guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate \\u\(String(code, radix: 16))", at: at) }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(code) {
                throw error("unpaired surrogate \\u\(String(code, radix: 16))", at: at)
            }
            out += Array(String(Character(Unicode.Scalar(code)!)).utf8)
        default:
            throw error("invalid escape '\\\(Character(UnicodeScalar(c)))'", at: at)
        }
    }

    mutating func hex4(at escapeStart: Int) throws(SafeTensorsJSON.SyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("truncated \\u escape", at: escapeStart) }
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let d = Character(UnicodeScalar(bytes[position])).hexDigitValue else {
                throw error("invalid hex digit in \\u escape", at: escapeStart)
            }
            v = v << 4 | UInt32(d)
            position += 1
        }
        return v
    }
}
