import Tokenization

// Node construction: literal sets, alternatives, the any-value graph, and `$ref` resolution.
extension JSONSchemaCompiler {
    mutating func add(_ node: Node) -> Int32 {
        nodes.append(node)
        return Int32(nodes.count - 1)
    }

    mutating func addAlternatives(_ choices: [Int32]) -> Int32 {
        let start = Int32(alternatives.count)
        alternatives += choices
        return add(Node(kind: .anyOf, a: start, b: Int32(alternatives.count)))
    }

    /// A node matching exactly one of `texts` (distinct byte strings, stored sorted).
    mutating func addLiterals(_ texts: [[UInt8]]) -> Int32 {
        let start = Int32(literals.count)
        for text in Set(texts).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            literals.append(JSONSchema.Literal(start: Int32(literalBytes.count), end: Int32(literalBytes.count + text.count), payload: -1))
            literalBytes += text
        }
        return add(Node(kind: .literals, a: start, b: Int32(literals.count)))
    }

    /// `enum` and/or `const`, keeping the values whose JSON type `types` allows; each is written
    /// as Python's `json.dumps` writes it.
    mutating func literalSet(_ o: TemplateObject, types: [String]?, at path: String) throws(JSONSchemaError) -> Int32 {
        var values: [TemplateValue]
        if let e = o["enum"] {
            guard let list = e.arrayValue else { throw .invalidValue(keyword: "enum", path: path, reason: "must be an array") }
            values = list
            if let c = o["const"] { values = values.filter { $0 == c } }
        } else {
            values = [o["const"]!]
        }
        if let types { values = values.filter { Self.hasType($0, types) } }
        guard !values.isEmpty else {
            throw .unsatisfiable(path: path, reason: "no value of 'enum'/'const' is allowed by the rest of the schema")
        }
        var texts = [[UInt8]]()
        for v in values {
            guard Self.isFinite(v) else {
                throw .invalidValue(keyword: o["enum"] != nil ? "enum" : "const", path: path, reason: "holds a number that is not finite")
            }
            texts.append(Array(v.jsonString().utf8))
        }
        return addLiterals(texts)
    }

    static func hasType(_ v: TemplateValue, _ types: [String]) -> Bool {
        switch v {
        case .null: return types.contains("null")
        case .bool: return types.contains("boolean")
        case .int: return types.contains("integer") || types.contains("number")
        case .double(let d): return types.contains("number") || (types.contains("integer") && d == d.rounded())
        case .string: return types.contains("string")
        case .array: return types.contains("array")
        case .object: return types.contains("object")
        }
    }

    static func isFinite(_ v: TemplateValue) -> Bool {
        switch v {
        case .double(let d): return d.isFinite
        case .array(let items): return items.allSatisfy(isFinite)
        case .object(let o): return o.allSatisfy { isFinite($0.value) }
        default: return true
        }
    }

    /// Any JSON value: an object of any values, an array of any values, a string, a number,
    /// `true`, `false` or `null`. Built once; the graph refers to itself.
    mutating func anyValue() -> Int32 {
        if let node = anyValueNode { return node }
        let any = add(Node(kind: .anyOf))
        anyValueNode = any
        objects.append(JSONSchema.ObjectShape(propertyStart: Int32(properties.count), propertyCount: 0, additional: any,
                                              lastRequired: -1, keySetStart: -1))
        let object = add(Node(kind: .object, a: Int32(objects.count - 1)))
        arrays.append(JSONSchema.ArrayShape(prefixStart: 0, prefixCount: 0, items: any, minItems: 0, maxItems: Int32.max))
        let array = add(Node(kind: .array, a: Int32(arrays.count - 1)))
        let choices = [object, array, add(Node(kind: .string, a: 0, b: Int32.max)), add(Node(kind: .number)),
                       addLiterals(["true", "false", "null"].map { Array($0.utf8) })]
        let start = Int32(alternatives.count)
        alternatives += choices
        nodes[Int(any)] = Node(kind: .anyOf, a: start, b: Int32(alternatives.count))
        return any
    }

    /// The node of the schema a local `$ref` points to (`#`, `#/$defs/Name`, any JSON pointer).
    mutating func reference(_ pointer: String, at path: String) throws(JSONSchemaError) -> Int32 {
        if let node = references[pointer] { return node }
        guard let target = Self.resolve(pointer, in: document) else { throw .unresolvedReference(pointer, path: path) }
        let placeholder = add(Node(kind: .anyOf))
        references[pointer] = placeholder
        placeholders.insert(placeholder)
        let compiled = try compile(target, at: pointer)
        guard !placeholders.contains(compiled) else {
            throw .unsatisfiable(path: pointer, reason: "its $ref chain leads back to itself")
        }
        nodes[Int(placeholder)] = nodes[Int(compiled)]
        placeholders.remove(placeholder)
        return placeholder
    }

    /// The value a JSON pointer fragment (`#/$defs/a~1b/items/0`) names in `document`.
    static func resolve(_ pointer: String, in document: TemplateValue) -> TemplateValue? {
        guard pointer.hasPrefix("#") else { return nil }
        let rest = pointer.dropFirst()
        if rest.isEmpty { return document }
        guard rest.hasPrefix("/") else { return nil }
        var value = document
        for raw in rest.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = String(raw).replacing("~1", with: "/").replacing("~0", with: "~")
            if let next = value[token] {
                value = next
            } else if let index = Int(token), let next = value[index] {
                value = next
            } else {
                return nil
            }
        }
        return value
    }

    /// A key as a JSON pointer token (`~` → `~0`, `/` → `~1`).
    static func pointerEscaped(_ key: String) -> String {
        key.replacing("~", with: "~0").replacing("/", with: "~1")
    }
}
