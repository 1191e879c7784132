// JSON reading and writing for TemplateValue. Writing follows Python's `json.dumps`, which is what
// HF transformers' `tojson` filter calls, so that tool schemas render byte for byte as in Python.

extension TemplateValue {
    /// Parses JSON text (RFC 8259). Integers that fit in 64 bits become `.int`, other numbers
    /// `.double`; object keys keep their order; a repeated key keeps its first position and last
    /// value (as Python's `json.loads`). Nesting is limited to 500 levels.
    public init(json: String) throws(ChatTemplateError) {
        var reader = JSONReader(bytes: Array(json.utf8))
        self = try reader.readDocument()
    }

    /// JSON text as Python's `json.dumps(value, ensure_ascii=ensureASCII, indent=indent,
    /// sort_keys=sortKeys)` writes it: separators `", "` and `": "` without indent, `","` and
    /// `": "` with one; floats in Python's shortest `repr` form (`1.0`, `1e-05`, `NaN`).
    public func jsonString(indent: Int? = nil, sortKeys: Bool = false, ensureASCII: Bool = false) -> String {
        var format = JSONFormat(indent: indent.map { String(repeating: " ", count: max(0, $0)) })
        format.sortKeys = sortKeys
        format.ensureASCII = ensureASCII
        var out = ""
        writeJSON(into: &out, format: format, level: 0)
        return out
    }

    func writeJSON(into out: inout String, format: JSONFormat, level: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += PythonText.jsonFloat(d)
        case .string(let s): PythonText.writeJSONString(s, into: &out, ensureASCII: format.ensureASCII)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += format.itemSeparator }
                format.newline(into: &out, level: level + 1)
                item.writeJSON(into: &out, format: format, level: level + 1)
            }
            format.newline(into: &out, level: level)
            out += "]"
        case .object(let object):
            if object.isEmpty { out += "{}"; return }
            let keys = format.sortKeys ? object.keys.sorted(by: PythonText.precedes) : object.keys
            out += "{"
            for (i, key) in keys.enumerated() {
                if i > 0 { out += format.itemSeparator }
                format.newline(into: &out, level: level + 1)
                PythonText.writeJSONString(key, into: &out, ensureASCII: format.ensureASCII)
                out += format.keySeparator
                object[key]!.writeJSON(into: &out, format: format, level: level + 1)
            }
            format.newline(into: &out, level: level)
            out += "}"
        }
    }
}

/// The knobs of Python's `json.dumps` that templates use.
struct JSONFormat {
    /// The indent unit, or nil for single-line output.
    var indent: String?
    var itemSeparator: String
    var keySeparator: String = ": "
    var sortKeys = false
    var ensureASCII = false

    init(indent: String?) {
        self.indent = indent
        // json.dumps: separators default to (', ', ': ') without indent and (',', ': ') with one.
        itemSeparator = indent == nil ? ", " : ","
    }

    func newline(into out: inout String, level: Int) {
        guard let indent else { return }
        out += "\n"
        for _ in 0..<level { out += indent }
    }
}

/// A recursive-descent JSON reader over UTF-8 bytes.
struct JSONReader {
    let bytes: [UInt8]
    var pos = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func readDocument() throws(ChatTemplateError) -> TemplateValue {
        let value = try readValue(depth: 0)
        skipSpace()
        if pos < bytes.count { throw fail("unexpected trailing characters") }
        return value
    }

    private func fail(_ message: String) -> ChatTemplateError {
        .invalidJSON(message: message, offset: pos)
    }

    private mutating func skipSpace() {
        while pos < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[pos]) { pos += 1 }
    }

    private mutating func expectWord(_ word: String, _ value: TemplateValue) throws(ChatTemplateError) -> TemplateValue {
        let w = Array(word.utf8)
        guard pos + w.count <= bytes.count, Array(bytes[pos..<pos + w.count]) == w else {
            throw fail("invalid literal")
        }
        pos += w.count
        return value
    }

    private mutating func readValue(depth: Int) throws(ChatTemplateError) -> TemplateValue {
        guard depth < JinjaLimits.valueDepth else { throw fail("nested deeper than \(JinjaLimits.valueDepth) levels") }
        skipSpace()
        guard pos < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try readObject(depth: depth)
        case UInt8(ascii: "["): return try readArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): return try expectWord("true", .bool(true))
        case UInt8(ascii: "f"): return try expectWord("false", .bool(false))
        case UInt8(ascii: "n"): return try expectWord("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        default: throw fail("unexpected character")
        }
    }

    private mutating func readObject(depth: Int) throws(ChatTemplateError) -> TemplateValue {
        pos += 1
        var object = TemplateObject()
        skipSpace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(object) }
        while true {
            skipSpace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let key = try readString()
            skipSpace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            pos += 1
            object[key] = try readValue(depth: depth + 1)
            skipSpace()
            guard pos < bytes.count else { throw fail("unterminated object") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(object) }
            throw fail("expected ',' or '}'")
        }
    }

    private mutating func readArray(depth: Int) throws(ChatTemplateError) -> TemplateValue {
        pos += 1
        var items: [TemplateValue] = []
        skipSpace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
        while true {
            items.append(try readValue(depth: depth + 1))
            skipSpace()
            guard pos < bytes.count else { throw fail("unterminated array") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            throw fail("expected ',' or ']'")
        }
    }

    private mutating func readHex4() throws(ChatTemplateError) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("invalid \\u escape")
            }
            v = v * 16 + digit
            pos += 1
        }
        return v
    }

    private mutating func readString() throws(ChatTemplateError) -> String {
        pos += 1
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count else { throw fail("unterminated string") }
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") { pos += 1; break }
            if c < 0x20 { throw fail("control character in string") }
            if c != UInt8(ascii: "\\") { out.append(c); pos += 1; continue }
            pos += 1
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
                var code = try readHex4()
                if (0xD800..<0xDC00).contains(code), pos + 1 < bytes.count,
                   bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") {
                    let save = pos
                    pos += 2
                    let low = try readHex4()
                    if (0xDC00..<0xE000).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        pos = save
                    }
                }
                // A lone surrogate cannot live in a Swift string; it becomes U+FFFD.
                let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: throw fail("invalid escape")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func readNumber() throws(ChatTemplateError) -> TemplateValue {
        let start = pos
        var isInteger = true
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        func digits(_ r: inout JSONReader) -> Int {
            let s = r.pos
            while r.pos < r.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(r.bytes[r.pos]) { r.pos += 1 }
            return r.pos - s
        }
        guard pos < bytes.count else { throw fail("invalid number") }
        if bytes[pos] == UInt8(ascii: "0") { pos += 1 } else if digits(&self) == 0 { throw fail("invalid number") }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            isInteger = false
            if digits(&self) == 0 { throw fail("invalid number") }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            pos += 1
            isInteger = false
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            if digits(&self) == 0 { throw fail("invalid number") }
        }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
        if isInteger, let i = Int(text) { return .int(i) }
        guard let d = Double(text) else { throw fail("invalid number") }
        return .double(d)
    }
}
