import ModelFiles

// JSON reading and writing for TemplateValue. Writing follows Python's `json.dumps`, which is what
// HF transformers' `tojson` filter calls, so that tool schemas render byte for byte as in Python.

extension TemplateValue {
    /// Parses JSON text (RFC 8259). Integers that fit in 64 bits become `.int`, other numbers
    /// `.double`; object keys keep their order; a repeated key keeps its first position and last
    /// value (as Python's `json.loads`). Nesting is limited to 500 levels.
    public init(json: String) throws(ChatTemplateError) {
        do throws(JSONValue.SyntaxError) {
            self.init(try JSONValue.parse(Array(json.utf8), maxDepth: JinjaLimits.valueDepth))
        } catch {
            throw .invalidJSON(message: error.message, offset: error.offset)
        }
    }

    /// The template value of a parsed JSON value (ModelFiles' reader, the one JSON reader).
    init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let d, let integer): self = integer.map { .int($0) } ?? .double(d)
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(items.map(TemplateValue.init))
        case .object(let members): self = .object(TemplateObject(members.map { ($0.key, TemplateValue($0.value)) }))
        }
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
