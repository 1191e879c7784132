import Generation
import Tokenization

/// A `POST /v1/completions` body (the legacy text API that lm-evaluation-harness scores with).
struct CompletionRequest {
    /// One prompt: text (tokenized with BOS as the model asks) or token ids as given.
    enum Prompt {
        case text(String)
        case tokens([Int])
    }

    var model: String?
    /// `prompt` as a string, a list of strings, a token array or a list of token arrays.
    var prompts: [Prompt]
    /// Put the prompt before the completion, in `text` and in `logprobs`.
    var echo: Bool
    /// nil: no log-probabilities; k: each token's and its k most likely alternatives.
    var logprobs: Int?
    var responseFormat: ResponseFormat
    var generation: GenerationFields

    init(_ f: JSONFields, limits: ServerLimits) throws(APIError) {
        model = try f.string("model")
        prompts = try Self.prompts(f.value("prompt"))
        echo = try f.bool("echo") ?? false
        logprobs = try f.int("logprobs", in: 0...20)
        if try f.string("suffix") != nil {
            throw .invalidRequest("'suffix' (insertion) is not supported.", param: "suffix")
        }
        responseFormat = try ChatCompletionRequest.responseFormat(f.object("response_format"))
        generation = try GenerationFields(f, minTokens: 0, limits: limits)
        if generation.maxTokens == nil { generation.maxTokens = min(16, limits.maxTokensLimit ?? 16) }  // OpenAI's default here
        if let bestOf = try f.int("best_of", in: 1...limits.maxChoices), bestOf != generation.n {
            throw .invalidRequest("'best_of' other than 'n' is not supported.", param: "best_of")
        }
        if prompts.count * generation.n > limits.maxChoices {
            throw .invalidRequest("\(prompts.count) prompts × n = \(generation.n) is more than this server's \(limits.maxChoices) completions per request.",
                                  param: "prompt")
        }
    }

    static func prompts(_ value: TemplateValue?) throws(APIError) -> [Prompt] {
        let shape = "'prompt' must be a string, an array of strings, an array of token ids or an array of token-id arrays."
        switch value {
        case .string(let s)?: return [.text(s)]
        case .array(let items)? where !items.isEmpty:
            if items.allSatisfy({ $0.stringValue != nil }) { return items.map { .text($0.stringValue!) } }
            if let ids = tokenIDs(items) { return [.tokens(ids)] }
            var out: [Prompt] = []
            for (i, item) in items.enumerated() {
                guard case .array(let inner) = item else { throw .invalidRequest(shape, param: "prompt") }
                guard let ids = tokenIDs(inner) else { throw .invalidRequest(shape, param: "prompt[\(i)]") }
                out.append(.tokens(ids))
            }
            return out
        case nil: throw .invalidRequest("'prompt' is required.", param: "prompt")
        default: throw .invalidRequest(shape, param: "prompt")
        }
    }

    /// The ids when every item is a non-negative integer.
    static func tokenIDs(_ items: [TemplateValue]) -> [Int]? {
        var ids: [Int] = []
        ids.reserveCapacity(items.count)
        for item in items {
            guard case .int(let id) = item, id >= 0 else { return nil }
            ids.append(id)
        }
        return ids
    }
}
