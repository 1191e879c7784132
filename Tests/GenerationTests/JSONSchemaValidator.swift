import Foundation
import Tokenization

/// A small JSON Schema validator for the keywords the compiler supports, written for clarity and
/// independent of it: it checks finished documents, it never guides generation. Parses with
/// Foundation first (so the document is JSON by an outside judge), then validates the
/// order-preserving `TemplateValue` reading (which keeps integers and Booleans apart).
struct JSONSchemaValidator {
    let root: TemplateValue

    init(_ schema: TemplateValue) { root = schema }

    /// Whether `text` is one JSON document valid against the schema.
    func isValid(_ text: [UInt8]) -> Bool {
        guard (try? JSONSerialization.jsonObject(with: Data(text), options: [.fragmentsAllowed])) != nil,
              let value = try? TemplateValue(json: String(decoding: text, as: UTF8.self)) else { return false }
        return validate(value, root)
    }

    func validate(_ v: TemplateValue, _ s: TemplateValue) -> Bool {
        if case .bool(let b) = s { return b }
        guard let o = s.objectValue else { return false }
        if let ref = o["$ref"]?.stringValue {
            guard let target = resolve(ref) else { return false }
            if !validate(v, target) { return false }
        }
        if let all = o["allOf"]?.arrayValue, !all.allSatisfy({ validate(v, $0) }) { return false }
        if let any = o["anyOf"]?.arrayValue, !any.contains(where: { validate(v, $0) }) { return false }
        if let one = o["oneOf"]?.arrayValue, one.filter({ validate(v, $0) }).count != 1 { return false }
        if let e = o["enum"]?.arrayValue, !e.contains(where: { equal($0, v) }) { return false }
        if let c = o["const"], !equal(c, v) { return false }
        if let t = o["type"] {
            let names = t.arrayValue?.compactMap(\.stringValue) ?? [t.stringValue ?? ""]
            if !names.contains(where: { has(v, type: $0) }) { return false }
        }
        switch v {
        case .string(let str):
            let n = str.unicodeScalars.count
            if let min = o["minLength"]?.intValue, n < min { return false }
            if let max = o["maxLength"]?.intValue, n > max { return false }
        case .array(let items):
            if let min = o["minItems"]?.intValue, items.count < min { return false }
            if let max = o["maxItems"]?.intValue, items.count > max { return false }
            let prefix = o["prefixItems"]?.arrayValue ?? o["items"]?.arrayValue ?? []
            let rest = o["prefixItems"] != nil ? o["items"] : (o["items"]?.arrayValue != nil ? o["additionalItems"] : o["items"])
            for (i, item) in items.enumerated() {
                if i < prefix.count { if !validate(item, prefix[i]) { return false } }
                else if let rest, !validate(item, rest) { return false }
            }
        case .object(let object):
            let listed = o["properties"]?.objectValue ?? TemplateObject()
            for name in o["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil { return false }
            for (key, value) in object {
                if let p = listed[key] {
                    if !validate(value, p) { return false }
                } else if let extra = o["additionalProperties"], !validate(value, extra) {
                    return false
                }
            }
        default:
            break
        }
        return true
    }

    func has(_ v: TemplateValue, type: String) -> Bool {
        switch (v, type) {
        case (.null, "null"), (.bool, "boolean"), (.string, "string"), (.array, "array"), (.object, "object"),
             (.int, "integer"), (.int, "number"), (.double, "number"):
            return true
        case (.double(let d), "integer"): return d == d.rounded()
        default: return false
        }
    }

    /// JSON equality: numbers by value, objects regardless of key order.
    func equal(_ a: TemplateValue, _ b: TemplateValue) -> Bool {
        switch (a, b) {
        case (.int, .double), (.double, .int), (.int, .int), (.double, .double): return a.doubleValue == b.doubleValue
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { entry in y[entry.key].map { equal(entry.value, $0) } ?? false }
        default: return a == b
        }
    }

    func resolve(_ ref: String) -> TemplateValue? {
        guard ref.hasPrefix("#") else { return nil }
        var value = root
        for token in ref.dropFirst().split(separator: "/") {
            let key = String(token).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let next = value[key] { value = next } else if let i = Int(key), let next = value[i] { value = next } else { return nil }
        }
        return value
    }
}
