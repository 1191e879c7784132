import Tokenization

/// Turns a JSON Schema (parsed JSON) into `JSONSchema`'s tables: one node per schema, `$ref`
/// targets compiled once (a placeholder stands in while a recursive target is compiled), then
/// `finish` flattens alternatives and drops what no document can satisfy.
struct JSONSchemaCompiler {
    typealias Node = JSONSchema.Node

    /// The whole schema document, which `$ref` pointers resolve in.
    let document: TemplateValue
    var nodes: [Node] = []
    var objects: [JSONSchema.ObjectShape] = []
    var properties: [JSONSchema.Property] = []
    var keySets: [Int32] = []
    var arrays: [JSONSchema.ArrayShape] = []
    var itemNodes: [Int32] = []
    var alternatives: [Int32] = []
    var literals: [JSONSchema.Literal] = []
    var literalBytes: [UInt8] = []
    /// The node of each `$ref` target by pointer; a placeholder until its schema is compiled.
    var references: [String: Int32] = [:]
    var placeholders: Set<Int32> = []
    var anyValueNode: Int32?

    /// Keywords that do not change which documents are valid.
    static let annotations: Set<String> = [
        "title", "description", "default", "examples", "example", "$comment", "$schema", "$id", "$anchor",
        "deprecated", "readOnly", "writeOnly", "format", "contentMediaType", "contentEncoding", "discriminator",
        "$defs", "definitions",
    ]
    /// Keywords enforced here.
    static let enforced: Set<String> = [
        "type", "enum", "const", "properties", "required", "additionalProperties", "items", "prefixItems",
        "additionalItems", "minItems", "maxItems", "minLength", "maxLength", "anyOf", "oneOf", "allOf", "$ref",
        "uniqueItems",
    ]
    static let typeNames: Set<String> = ["object", "array", "string", "number", "integer", "boolean", "null"]

    init(document: TemplateValue) { self.document = document }

    /// The node for the schema at `path`.
    mutating func compile(_ schema: TemplateValue, at path: String) throws(JSONSchemaError) -> Int32 {
        switch schema {
        case .bool(true): return anyValue()
        case .bool(false): return add(Node(kind: .anyOf))  // no alternative: nothing is valid
        case .object(let o): return try compileObject(o, at: path)
        default: throw .notASchema(path: path)
        }
    }

    private mutating func compileObject(_ o: TemplateObject, at path: String) throws(JSONSchemaError) -> Int32 {
        var enforced = [String]()
        for key in o.keys where !Self.annotations.contains(key) && !key.hasPrefix("x-") {
            guard Self.enforced.contains(key) else { throw .unsupported(keyword: key, path: path) }
            if key == "uniqueItems" {
                guard o[key] == .bool(false) else { throw .unsupported(keyword: key, path: path) }
                continue
            }
            enforced.append(key)
        }
        func refuseOthers(than allowed: Set<String>) throws(JSONSchemaError) {
            if let other = enforced.first(where: { !allowed.contains($0) }) {
                throw .unsupported(keyword: other, path: path)
            }
        }

        if let ref = o["$ref"] {
            try refuseOthers(than: ["$ref"])
            guard let pointer = ref.stringValue else { throw .invalidValue(keyword: "$ref", path: path, reason: "must be a string") }
            return try reference(pointer, at: path)
        }
        if let all = o["allOf"] {
            try refuseOthers(than: ["allOf"])
            guard let schemas = all.arrayValue, schemas.count == 1 else { throw .unsupported(keyword: "allOf", path: path) }
            return try compile(schemas[0], at: path + "/allOf/0")
        }
        if o["anyOf"] != nil || o["oneOf"] != nil {
            let keyword = o["anyOf"] != nil ? "anyOf" : "oneOf"
            try refuseOthers(than: [keyword])
            guard let schemas = o[keyword]?.arrayValue, !schemas.isEmpty else {
                throw .invalidValue(keyword: keyword, path: path, reason: "must be a non-empty array of schemas")
            }
            var choices = [Int32]()
            for (i, s) in schemas.enumerated() { choices.append(try compile(s, at: "\(path)/\(keyword)/\(i)")) }
            return addAlternatives(choices)
        }

        let types = try typeList(o, at: path)
        if o["enum"] != nil || o["const"] != nil {
            try refuseOthers(than: ["enum", "const", "type"])
            return try literalSet(o, types: types, at: path)
        }
        guard let types else { return anyValue() }
        var choices = [Int32]()
        for type in types {
            switch type {
            case "object": choices.append(try objectShape(o, at: path))
            case "array": choices.append(try arrayShape(o, at: path))
            case "string":
                let min = try count(o, "minLength", at: path) ?? 0, max = try count(o, "maxLength", at: path) ?? Int32.max
                guard min <= max else { throw .unsatisfiable(path: path, reason: "minLength \(min) exceeds maxLength \(max)") }
                choices.append(add(Node(kind: .string, a: min, b: max)))
            case "integer": choices.append(add(Node(kind: .integer)))
            case "number": choices.append(add(Node(kind: .number)))
            case "boolean": choices.append(addLiterals(["false", "true"].map { Array($0.utf8) }))
            default: choices.append(addLiterals([Array("null".utf8)]))
            }
        }
        return choices.count == 1 ? choices[0] : addAlternatives(choices)
    }

    /// The types a schema allows: its `type` (without `integer` when `number` is there too), else
    /// the type its keywords imply (`properties` → object, ...), else nil for any type.
    private func typeList(_ o: TemplateObject, at path: String) throws(JSONSchemaError) -> [String]? {
        var types: [String]
        switch o["type"] {
        case .string(let t)?: types = [t]
        case .array(let list)?:
            types = []
            for t in list {
                guard let name = t.stringValue else {
                    throw .invalidValue(keyword: "type", path: path, reason: "must be a type name or an array of them")
                }
                if !types.contains(name) { types.append(name) }
            }
            guard !types.isEmpty else { throw .unsatisfiable(path: path, reason: "'type' is an empty list") }
        case nil:
            types = []
            if ["properties", "required", "additionalProperties"].contains(where: { o[$0] != nil }) { types.append("object") }
            if ["items", "prefixItems", "minItems", "maxItems"].contains(where: { o[$0] != nil }) { types.append("array") }
            if ["minLength", "maxLength"].contains(where: { o[$0] != nil }) { types.append("string") }
            if types.isEmpty { return nil }
        default:
            throw .invalidValue(keyword: "type", path: path, reason: "must be a type name or an array of them")
        }
        if let unknown = types.first(where: { !Self.typeNames.contains($0) }) {
            throw .invalidValue(keyword: "type", path: path, reason: "unknown type '\(unknown)'")
        }
        if types.contains("number") { types.removeAll { $0 == "integer" } }
        return types
    }

    /// A count keyword (`minLength`, `maxItems`): a non-negative integer, capped to Int32.
    private func count(_ o: TemplateObject, _ keyword: String, at path: String) throws(JSONSchemaError) -> Int32? {
        guard let v = o[keyword] else { return nil }
        let n: Int
        switch v {
        case .int(let i) where i >= 0: n = i
        case .double(let d) where d >= 0 && d == d.rounded() && d < 1e18: n = Int(d)
        default: throw .invalidValue(keyword: keyword, path: path, reason: "must be a non-negative integer")
        }
        return Int32(clamping: n)
    }

    /// The schema of a keyword that holds one (`items`, `additionalProperties`): nil when absent.
    private mutating func subschema(_ o: TemplateObject, _ keyword: String, at path: String) throws(JSONSchemaError) -> Int32? {
        guard let s = o[keyword] else { return nil }
        return try compile(s, at: path + "/" + keyword)
    }

    private mutating func objectShape(_ o: TemplateObject, at path: String) throws(JSONSchemaError) -> Int32 {
        var listed = TemplateObject()
        if let p = o["properties"] {
            guard let object = p.objectValue else { throw .invalidValue(keyword: "properties", path: path, reason: "must be an object") }
            listed = object
        }
        var required = [String]()
        if let r = o["required"] {
            guard let names = r.arrayValue?.compactMap(\.stringValue), names.count == r.arrayValue?.count else {
                throw .invalidValue(keyword: "required", path: path, reason: "must be an array of strings")
            }
            required = names
        }
        let additional = o["additionalProperties"]
        if let a = additional, a.boolValue == nil, a.objectValue == nil { throw .notASchema(path: path + "/additionalProperties") }

        var entries = [(key: String, value: Int32, required: Bool)]()
        for (key, value) in listed {
            entries.append((key, try compile(value, at: path + "/properties/" + Self.pointerEscaped(key)), required.contains(key)))
        }
        for name in required where listed[name] == nil && !entries.contains(where: { $0.key == name }) {
            // A required key that `properties` does not describe takes the schema of other keys.
            if additional == .bool(false) {
                throw .unsatisfiable(path: path, reason: "required property '\(name)' is not in 'properties' and additionalProperties is false")
            }
            entries.append((name, try subschema(o, "additionalProperties", at: path) ?? anyValue(), true))
        }
        // Values are compiled first: nested objects append their own properties.
        let start = Int32(properties.count)
        var last: Int32 = -1
        for e in entries {
            if e.required { last = Int32(properties.count) - start }
            let key = Array(TemplateValue.string(e.key).jsonString().utf8)
            properties.append(JSONSchema.Property(keyStart: Int32(literalBytes.count), keyEnd: Int32(literalBytes.count + key.count),
                                                  value: e.value, required: e.required))
            literalBytes += key
        }
        var other: Int32 = -1
        if entries.isEmpty && additional != .bool(false) {
            other = try subschema(o, "additionalProperties", at: path) ?? anyValue()
        }
        objects.append(JSONSchema.ObjectShape(propertyStart: start, propertyCount: Int32(entries.count), additional: other,
                                              lastRequired: last, keySetStart: -1))
        return add(Node(kind: .object, a: Int32(objects.count - 1)))
    }

    private mutating func arrayShape(_ o: TemplateObject, at path: String) throws(JSONSchemaError) -> Int32 {
        var prefix = [Int32]()
        var rest: Int32? = nil
        // Draft 2020-12: prefixItems + items; drafts 4-7: items as an array + additionalItems.
        let tupleKeyword = o["prefixItems"] != nil ? "prefixItems" : (o["items"]?.arrayValue != nil ? "items" : nil)
        let restKeyword = tupleKeyword == "items" ? "additionalItems" : "items"
        if let tupleKeyword {
            guard let schemas = o[tupleKeyword]?.arrayValue else {
                throw .invalidValue(keyword: tupleKeyword, path: path, reason: "must be an array of schemas")
            }
            for (i, s) in schemas.enumerated() { prefix.append(try compile(s, at: "\(path)/\(tupleKeyword)/\(i)")) }
        }
        if o[restKeyword] != .bool(false) { rest = try subschema(o, restKeyword, at: path) ?? anyValue() }
        let min = try count(o, "minItems", at: path) ?? 0, max = try count(o, "maxItems", at: path) ?? Int32.max
        guard min <= max else { throw .unsatisfiable(path: path, reason: "minItems \(min) exceeds maxItems \(max)") }
        arrays.append(JSONSchema.ArrayShape(prefixStart: Int32(itemNodes.count), prefixCount: Int32(prefix.count),
                                            items: rest ?? -1, minItems: min, maxItems: max))
        itemNodes += prefix
        return add(Node(kind: .array, a: Int32(arrays.count - 1)))
    }
}
