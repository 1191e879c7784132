/// One message of a conversation, in the shape OpenAI's API and HF chat templates share:
/// `{"role", "content", "tool_calls": [{"id", "type": "function", "function": {"name", "arguments"}}],
/// "tool_call_id", "name"}`.
public struct ChatMessage: Sendable, Equatable {
    /// `system`, `user`, `assistant`, `tool`, or whatever role a template knows.
    public var role: String
    /// The text; nil (rendered as `None`/`null`) for an assistant turn that only calls tools.
    public var content: String?
    /// The tools an assistant turn calls, in order.
    public var toolCalls: [ToolCall]
    /// For a `tool` message: the id of the call it answers.
    public var toolCallID: String?
    /// For a `tool` message: the tool's name (some templates print it).
    public var name: String?

    /// A message; everything but the role is optional.
    public init(role: String, content: String?, toolCalls: [ToolCall] = [], toolCallID: String? = nil, name: String? = nil) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.name = name
    }

    /// A system message.
    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: "system", content: content) }
    /// A user message.
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: "user", content: content) }
    /// An assistant message, optionally calling tools.
    public static func assistant(_ content: String?, toolCalls: [ToolCall] = []) -> ChatMessage {
        ChatMessage(role: "assistant", content: content, toolCalls: toolCalls)
    }
    /// A tool's result, answering the call with `toolCallID`.
    public static func tool(_ content: String, toolCallID: String? = nil, name: String? = nil) -> ChatMessage {
        ChatMessage(role: "tool", content: content, toolCallID: toolCallID, name: name)
    }

    /// The dict a template sees: `role` and `content` always (content `null` when nil), then
    /// `tool_calls`, `tool_call_id` and `name` only when present — templates test
    /// `'tool_calls' in message`, so an absent key and an empty list are not the same.
    public var templateValue: TemplateValue {
        var o: TemplateObject = ["role": .string(role), "content": content.map(TemplateValue.string) ?? .null]
        if !toolCalls.isEmpty { o["tool_calls"] = .array(toolCalls.map(\.templateValue)) }
        if let toolCallID { o["tool_call_id"] = .string(toolCallID) }
        if let name { o["name"] = .string(name) }
        return .object(o)
    }

    /// Reads a message from its dict shape (as in a chat-completions request). `content` must be
    /// a string or null; a tool call's `arguments` are kept as given (an object, or a JSON string
    /// for templates that expect one). Other keys are ignored.
    public init(from value: TemplateValue) throws(ChatTemplateError) {
        guard case .object(let o) = value else { throw .invalidMessage("a message must be an object") }
        guard case .string(let role)? = o["role"] else { throw .invalidMessage("a message needs a string 'role'") }
        var content: String? = nil
        switch o["content"] {
        case nil, .null?: break
        case .string(let s)?: content = s
        default: throw .invalidMessage("'content' must be a string or null (use render(context:) for content parts)")
        }
        var calls: [ToolCall] = []
        if case .array(let items)? = o["tool_calls"] {
            for item in items { calls.append(try ToolCall(from: item)) }
        } else if let other = o["tool_calls"], !other.isNull {
            throw .invalidMessage("'tool_calls' must be an array")
        }
        self.init(role: role, content: content, toolCalls: calls,
                  toolCallID: o["tool_call_id"]?.stringValue, name: o["name"]?.stringValue)
    }
}

/// A function call made by an assistant turn.
public struct ToolCall: Sendable, Equatable {
    /// The call's id (tool results refer to it); some templates require a particular length.
    public var id: String?
    /// The function's name.
    public var name: String
    /// The arguments, normally an object (`tojson` prints it); a string is passed through as is.
    public var arguments: TemplateValue

    /// A call of `name` with `arguments`.
    public init(id: String? = nil, name: String, arguments: TemplateValue) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }

    /// `{"id", "type": "function", "function": {"name", "arguments"}}` (no `id` key when nil).
    public var templateValue: TemplateValue {
        var o = TemplateObject()
        if let id { o["id"] = .string(id) }
        o["type"] = "function"
        o["function"] = ["name": .string(name), "arguments": arguments]
        return .object(o)
    }

    /// Reads `{"id"?, "type"?, "function": {"name", "arguments"}}`.
    public init(from value: TemplateValue) throws(ChatTemplateError) {
        guard case .object(let o) = value, case .object(let f)? = o["function"],
              case .string(let name)? = f["name"] else {
            throw .invalidMessage("a tool call needs 'function' with a string 'name'")
        }
        self.init(id: o["id"]?.stringValue, name: name, arguments: f["arguments"] ?? .object([:]))
    }
}
