import Generation
import Tokenization

/// The token constraint a request needs: a forced tool call (`tool_choice` required or named),
/// else its `response_format`; nil when the output is free text.
enum OutputConstraint {
    static func make(format: ResponseFormat, forcedCall: HermesToolCallParser.ForcedCall?,
                     tokenizer: Tokenizer) throws(APIError) -> (any TokenConstraint)? {
        if forcedCall != nil {
            throw .invalidRequest("Forcing a tool call (tool_choice required or a named function) is not supported yet.",
                                  param: "tool_choice")
        }
        switch format {
        case .text: return nil
        case .jsonObject, .jsonSchema:
            throw .invalidRequest("'response_format' json_object / json_schema is not supported yet.", param: "response_format")
        }
    }
}
