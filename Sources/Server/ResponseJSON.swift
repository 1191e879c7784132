import Foundation
import Generation
import Tokenization

/// What every response object of one request shares: `id`, `created`, `model`.
struct ResponseMeta: Sendable {
    let id: String
    let created: Int
    let model: String

    init(prefix: String, model: String) {
        id = prefix + Self.randomID()
        created = Int(Date().timeIntervalSince1970)
        self.model = model
    }

    /// 24 random letters and digits, as in OpenAI's `chatcmpl-…` and `call_…` ids.
    static func randomID(length: Int = 24) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var rng = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
    }

    /// `{"id", "object", "created", "model", "choices", "usage"?}`.
    func object(_ kind: String, choices: [TemplateValue], usage: TemplateValue? = nil, includeUsageKey: Bool = false) -> TemplateValue {
        var o: TemplateObject = ["id": .string(id), "object": .string(kind), "created": .int(created),
                                 "model": .string(model), "choices": .array(choices)]
        if let usage { o["usage"] = usage } else if includeUsageKey { o["usage"] = .null }
        return .object(o)
    }
}

/// Token counts of a response: each distinct prompt once, every choice's completion.
struct Usage {
    var promptTokens = 0
    var completionTokens = 0
    var cachedTokens = 0

    var json: TemplateValue {
        ["prompt_tokens": .int(promptTokens), "completion_tokens": .int(completionTokens),
         "total_tokens": .int(promptTokens + completionTokens),
         "prompt_tokens_details": ["cached_tokens": .int(cachedTokens)]]
    }
}

/// A tool call as OpenAI returns it: `arguments` is a JSON string.
func toolCallJSON(_ call: ParsedToolCall) -> TemplateValue {
    ["id": .string("call_" + ResponseMeta.randomID()), "type": "function",
     "function": ["name": .string(call.name), "arguments": .string(call.arguments.jsonString())]]
}

/// 400 when a prompt is longer than the server's limit or leaves no room in the context.
func checkPromptLength(_ count: Int, model: ServedModel, limits: ServerLimits, param: String) throws(APIError) {
    let limit = min(limits.maxPromptTokens ?? Int.max, model.contextSize - 1)
    guard count <= limit else {
        throw .invalidRequest("The prompt has \(count) tokens; this server accepts at most \(limit) (context \(model.contextSize)).",
                              param: param, code: "context_length_exceeded")
    }
}
