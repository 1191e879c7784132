import Tokenization

/// A JSON Schema compiled for constrained decoding: a graph of value shapes (objects with their
/// properties in schema order, arrays, strings, numbers, literal sets, alternatives) that
/// `JSONSchemaConstraint` follows byte by byte. Immutable; compile once per request and share.
///
/// What is enforced: `type` (also as a list), `enum`, `const`, `properties`, `required`,
/// `additionalProperties`, `items`, `prefixItems`, `minItems`, `maxItems`, `minLength`,
/// `maxLength`, `anyOf`, `oneOf` (as `anyOf`), `allOf` with one schema, and local `$ref`s into
/// `$defs`/`definitions` (recursion included). Annotations (`title`, `description`, `default`,
/// `examples`, `format`, `x-*`, ...) are ignored; any other keyword is refused with
/// `JSONSchemaError.unsupported`. The output is always valid against the schema, but it is a
/// subset of what the schema allows:
/// - properties come in schema order; optional ones may be left out; with `properties`
///   present no other key is generated, whatever `additionalProperties` says;
/// - `enum` and `const` values are written exactly as Python's `json.dumps` writes them;
/// - integers never have a fraction or exponent; numbers have at most 15 digits before and 15
///   after the point and 2 in the exponent; whitespace between tokens is at most 8 bytes;
///   objects and arrays nest at most 64 deep; at most 256 readings of an ambiguous `anyOf`
///   prefix are followed at once.
///
/// Two gaps remain, both documented choices: `format` is not checked (JSON Schema 2020-12 treats
/// it as an annotation by default), and `oneOf` is read as `anyOf`, so when its alternatives
/// overlap a document may match more than one of them.
public final class JSONSchema: Sendable {
    /// The kind of a value shape; the meaning of `Node.a`/`Node.b` depends on it.
    enum Kind: UInt8 {
        /// a: index in `objects`.
        case object
        /// a: index in `arrays`.
        case array
        /// a ... b: minimum and maximum length in code points.
        case string
        /// Integers: no fraction, no exponent.
        case integer
        case number
        /// a ..< b: entries of `literals` (`enum`, `const`, `true`/`false`, `null`).
        case literals
        /// a ..< b: entries of `alternatives`, none of them an `anyOf` after compilation.
        case anyOf
    }

    struct Node {
        var kind: Kind
        var a: Int32 = 0
        var b: Int32 = 0
    }

    struct ObjectShape {
        /// properties[propertyStart ..< propertyStart + propertyCount], in schema order.
        var propertyStart: Int32
        var propertyCount: Int32
        /// The value node of keys not listed (only for objects without `properties`); -1: none.
        var additional: Int32
        /// Index of the last required property, -1 if none: the object may close once past it.
        var lastRequired: Int32
        /// keySets[keySetStart + i] ..< keySets[keySetStart + i + 1]: the `literals` entries of
        /// the keys that may come when properties before index i are done.
        var keySetStart: Int32
    }

    struct Property {
        /// The key as JSON text, quotes included (`"name"`): literalBytes[keyStart ..< keyEnd].
        var keyStart: Int32
        var keyEnd: Int32
        var value: Int32
        var required: Bool
    }

    struct ArrayShape {
        /// itemNodes[prefixStart ..< prefixStart + prefixCount]: schemas of the first items.
        var prefixStart: Int32
        var prefixCount: Int32
        /// The schema of items after the prefix; -1: none may follow.
        var items: Int32
        var minItems: Int32
        var maxItems: Int32
    }

    /// One literal byte string: bytes[start ..< end] of `literalBytes`, with a payload (the
    /// property index for object keys). Entries of one set are sorted by their bytes.
    struct Literal {
        var start: Int32
        var end: Int32
        var payload: Int32
    }

    let nodes: [Node]
    let objects: [ObjectShape]
    let properties: [Property]
    let keySets: [Int32]
    let arrays: [ArrayShape]
    let itemNodes: [Int32]
    let alternatives: [Int32]
    let literals: [Literal]
    let literalBytes: [UInt8]
    /// The node of the whole document.
    let root: Int32

    /// Compiles `schema` (a JSON Schema as parsed JSON, e.g. `TemplateValue(json:)`).
    public init(_ schema: TemplateValue) throws(JSONSchemaError) {
        var compiler = JSONSchemaCompiler(document: schema)
        let root = try compiler.compile(schema, at: "#")
        try compiler.finish(root: root)
        nodes = compiler.nodes
        objects = compiler.objects
        properties = compiler.properties
        keySets = compiler.keySets
        arrays = compiler.arrays
        itemNodes = compiler.itemNodes
        alternatives = compiler.alternatives
        literals = compiler.literals
        literalBytes = compiler.literalBytes
        self.root = root
    }

    /// Parses and compiles a JSON Schema given as JSON text.
    public convenience init(json: String) throws(JSONSchemaError) {
        let value: TemplateValue
        do { value = try TemplateValue(json: json) } catch { throw .invalidJSON(error.description) }
        try self.init(value)
    }

    /// Any JSON object: OpenAI's `response_format: {"type": "json_object"}`.
    public static let anyObject: JSONSchema = try! JSONSchema(["type": "object"])
    /// Any JSON value (the schema `{}` or `true`).
    public static let anyValue: JSONSchema = try! JSONSchema(true)
}
