/// Why a JSON Schema cannot be compiled for constrained decoding. Every case names the place in
/// the schema as a JSON pointer (`#/properties/zip`), so a server can answer HTTP 400 with it.
public enum JSONSchemaError: Error, CustomStringConvertible, Equatable {
    /// A keyword that would change which documents are valid, which the compiler does not
    /// enforce (`pattern`, `minimum`, `not`, ...): the output could break it, so it is refused.
    case unsupported(keyword: String, path: String)
    /// A keyword whose value is not what JSON Schema allows there (`"minLength": "3"`).
    case invalidValue(keyword: String, path: String, reason: String)
    /// A value where a schema (an object or a Boolean) belongs.
    case notASchema(path: String)
    /// A `$ref` that does not point inside this schema document.
    case unresolvedReference(String, path: String)
    /// No JSON value satisfies the schema at `path`.
    case unsatisfiable(path: String, reason: String)
    /// The schema text is not JSON.
    case invalidJSON(String)

    /// What is wrong and where, in a sentence fit for an HTTP 400 answer.
    public var description: String {
        switch self {
        case let .unsupported(keyword, path):
            return "JSON Schema keyword '\(keyword)' at \(path) is not supported for constrained decoding "
                + "(supported: type, enum, const, properties, required, additionalProperties, items, prefixItems, "
                + "minItems, maxItems, minLength, maxLength, anyOf, oneOf, allOf with one schema, $ref, $defs)"
        case let .invalidValue(keyword, path, reason):
            return "JSON Schema keyword '\(keyword)' at \(path): \(reason)"
        case let .notASchema(path):
            return "the value at \(path) is not a JSON Schema (an object or a Boolean)"
        case let .unresolvedReference(reference, path):
            return "JSON Schema $ref '\(reference)' at \(path) does not point into this schema "
                + "(only local references such as #/$defs/Name are supported)"
        case let .unsatisfiable(path, reason):
            return "JSON Schema at \(path) cannot be satisfied: \(reason)"
        case let .invalidJSON(message):
            return "the JSON Schema is not valid JSON: \(message)"
        }
    }
}
