import Tokenization

extension HermesToolCallParser {
    /// What a generation constrained to call a tool must write: `prefix`, then JSON matching
    /// `schema`, then `suffix` — one Hermes block (OpenAI `tool_choice: "required"` or a named
    /// function).
    public struct ForcedCall: Sendable, Equatable {
        public var prefix: String
        /// `{"name": <one of the tools' names>, "arguments": <that tool's parameters>}`.
        public var schema: TemplateValue
        public var suffix: String
    }

    /// The forced-call grammar for `tools` (OpenAI tool objects,
    /// `{"type": "function", "function": {"name", "description"?, "parameters"?}}`), limited to
    /// the function called `name` when given. Nil when no tool qualifies.
    public static func forcedCall(tools: [TemplateValue], name: String? = nil) -> ForcedCall? {
        var alternatives: [TemplateValue] = []
        for tool in tools {
            guard case .string(let toolName)? = tool["function"]?["name"], name == nil || name == toolName else { continue }
            let parameters = tool["function"]?["parameters"] ?? ["type": "object", "properties": .object([:])]
            alternatives.append([
                "type": "object",
                "properties": ["name": ["const": .string(toolName)], "arguments": parameters],
                "required": ["name", "arguments"],
                "additionalProperties": false,
            ])
        }
        guard !alternatives.isEmpty else { return nil }
        let schema: TemplateValue = alternatives.count == 1 ? alternatives[0] : ["anyOf": .array(alternatives)]
        return ForcedCall(prefix: openTag + "\n", schema: schema, suffix: "\n" + closeTag)
    }
}
