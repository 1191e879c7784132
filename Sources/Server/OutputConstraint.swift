import Generation
import Tokenization

/// The token constraint a request needs: a forced tool call (`tool_choice` required or named)
/// as one Hermes block, else its `response_format` (any JSON object, or JSON valid against a
/// schema); nil when the output is free text. A schema the compiler cannot enforce is a 400
/// naming the keyword and where it is.
enum OutputConstraint {
    static func make(format: ResponseFormat, forcedCall: HermesToolCallParser.ForcedCall?,
                     tokens: TokenTrie) throws(APIError) -> (any TokenConstraint)? {
        if let forcedCall {
            let schema = try compile(forcedCall.schema, param: "tools")
            return JSONSchemaConstraint(tokens: tokens, prefix: forcedCall.prefix, schema: schema, suffix: forcedCall.suffix)
        }
        switch format {
        case .text: return nil
        case .jsonObject: return JSONSchemaConstraint(tokens: tokens)
        case .jsonSchema(_, let schema, _):
            return JSONSchemaConstraint(tokens: tokens, schema: try compile(schema, param: "response_format.json_schema.schema"))
        }
    }

    static func compile(_ schema: TemplateValue, param: String) throws(APIError) -> JSONSchema {
        do { return try JSONSchema(schema) } catch {
            throw .invalidRequest("The schema cannot be used for constrained decoding: \(error)", param: param, code: "invalid_schema")
        }
    }
}
