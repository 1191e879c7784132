import Generation
import Tokenization

/// OpenAI `tool_choice`.
enum ToolChoice: Equatable {
    /// The model decides (the default when tools are given).
    case auto
    /// No tools: they are not even shown to the model.
    case none
    /// Some tool must be called.
    case required
    /// This function must be called.
    case function(String)
}

/// OpenAI `response_format`.
enum ResponseFormat: Equatable {
    case text
    /// Any JSON object.
    case jsonObject
    /// JSON matching `schema`.
    case jsonSchema(name: String?, schema: TemplateValue, strict: Bool)
}

/// A `POST /v1/chat/completions` body, read and checked.
struct ChatCompletionRequest {
    var model: String?
    var messages: [ChatMessage]
    /// The OpenAI tool objects as sent (key order kept: templates print them).
    var tools: [TemplateValue]
    var toolChoice: ToolChoice
    var responseFormat: ResponseFormat
    /// nil: no log-probabilities; k: each token's and its k most likely alternatives.
    var logprobs: Int?
    var generation: GenerationFields

    init(_ f: JSONFields, limits: ServerLimits) throws(APIError) {
        model = try f.string("model")
        guard let items = try f.array("messages"), !items.isEmpty else {
            throw .invalidRequest("'messages' must be a non-empty array.", param: "messages")
        }
        messages = []
        for (i, item) in items.enumerated() { messages.append(try Self.message(item, path: "messages[\(i)]")) }

        tools = try f.array("tools") ?? []
        for (i, tool) in tools.enumerated() {
            guard case .string? = tool["function"]?["name"] else {
                throw .invalidRequest("Each tool must be {\"type\": \"function\", \"function\": {\"name\": ...}}.", param: "tools[\(i)]")
            }
        }
        toolChoice = try Self.toolChoice(f.value("tool_choice"), tools: tools)
        responseFormat = try Self.responseFormat(f.object("response_format"))

        let top = try f.int("top_logprobs", in: 0...20)
        if try f.bool("logprobs") == true {
            logprobs = top ?? 0
        } else {
            if top != nil { throw .invalidRequest("'top_logprobs' needs 'logprobs' set to true.", param: "top_logprobs") }
            logprobs = nil
        }
        generation = try GenerationFields(f, minTokens: 1, limits: limits)
    }

    /// The tools shown to the model through its chat template (none with `tool_choice: none`).
    var templateTools: [TemplateValue]? { tools.isEmpty || toolChoice == .none ? nil : tools }

    /// Whether the output is read for tool calls.
    var parsesToolCalls: Bool { templateTools != nil }

    /// The names of the tools offered.
    var toolNames: Set<String> { Set(tools.compactMap { $0["function"]?["name"]?.stringValue }) }

    /// One message: `content` as a string, null, or text parts; assistant `tool_calls` with
    /// `arguments` as OpenAI sends them (a JSON string), turned into the object templates expect.
    static func message(_ value: TemplateValue, path: String) throws(APIError) -> ChatMessage {
        guard case .object(let o) = value else { throw .invalidRequest("'\(path)' must be an object.", param: path) }
        let f = JSONFields(o, path: path)
        guard var role = try f.string("role") else { throw .invalidRequest("'\(path).role' is required.", param: "\(path).role") }
        guard ["system", "developer", "user", "assistant", "tool"].contains(role) else {
            throw .invalidRequest("'\(path).role' must be system, developer, user, assistant or tool, not '\(role)'.", param: "\(path).role")
        }
        if role == "developer" { role = "system" }
        var content: String?
        switch f.value("content") {
        case nil: content = nil
        case .string(let s)?: content = s
        case .array(let parts)?:
            var text = ""
            for (i, part) in parts.enumerated() {
                guard case .string("text")? = part["type"], case .string(let s)? = part["text"] else {
                    throw .invalidRequest("Only text content parts are supported.", param: "\(path).content[\(i)]")
                }
                text += s
            }
            content = text
        default: throw f.wrongType("content", "a string, null or an array of text parts")
        }
        var calls: [ToolCall] = []
        for (i, item) in (try f.array("tool_calls") ?? []).enumerated() {
            guard case .string(let name)? = item["function"]?["name"] else {
                throw .invalidRequest("A tool call needs 'function.name'.", param: "\(path).tool_calls[\(i)]")
            }
            var arguments = item["function"]?["arguments"] ?? .object([:])
            if case .string(let s) = arguments, let parsed = try? TemplateValue(json: s), parsed.objectValue != nil {
                arguments = parsed
            }
            calls.append(ToolCall(id: item["id"]?.stringValue, name: name, arguments: arguments))
        }
        if content == nil && calls.isEmpty && role != "assistant" {
            throw .invalidRequest("'\(path).content' is required.", param: "\(path).content")
        }
        return ChatMessage(role: role, content: content, toolCalls: calls,
                           toolCallID: try f.string("tool_call_id"), name: try f.string("name"))
    }

    static func toolChoice(_ value: TemplateValue?, tools: [TemplateValue]) throws(APIError) -> ToolChoice {
        let choice: ToolChoice
        switch value {
        case nil, .string("auto")?: choice = .auto
        case .string("none")?: choice = .none
        case .string("required")?: choice = .required
        case .object?:
            guard case .string(let name)? = value?["function"]?["name"] else {
                throw .invalidRequest("'tool_choice' must name a function: {\"type\": \"function\", \"function\": {\"name\": ...}}.", param: "tool_choice")
            }
            guard tools.contains(where: { $0["function"]?["name"] == .string(name) }) else {
                throw .invalidRequest("'tool_choice' names '\(name)', which is not in 'tools'.", param: "tool_choice")
            }
            choice = .function(name)
        default: throw .invalidRequest("'tool_choice' must be none, auto, required or a function object.", param: "tool_choice")
        }
        if choice == .required && tools.isEmpty {
            throw .invalidRequest("'tool_choice' is required but no 'tools' are given.", param: "tool_choice")
        }
        return choice
    }

    static func responseFormat(_ f: JSONFields?) throws(APIError) -> ResponseFormat {
        guard let f else { return .text }
        switch try f.string("type") {
        case nil, "text"?: return .text
        case "json_object"?: return .jsonObject
        case "json_schema"?:
            guard let spec = try f.object("json_schema") else {
                throw .invalidRequest("'response_format.json_schema' is required for type json_schema.", param: "response_format.json_schema")
            }
            guard let schema = spec.value("schema"), schema.objectValue != nil || schema.boolValue != nil else {
                throw .invalidRequest("'response_format.json_schema.schema' must be a JSON schema object.", param: "response_format.json_schema.schema")
            }
            return .jsonSchema(name: try spec.string("name"), schema: schema, strict: try spec.bool("strict") ?? false)
        case let other?:
            throw .invalidRequest("'response_format.type' must be text, json_object or json_schema, not '\(other)'.", param: "response_format.type")
        }
    }
}
