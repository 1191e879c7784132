import Generation
import Hummingbird
import Tokenization

/// `POST /tokenize` and `POST /detokenize` in the shapes vLLM and llama.cpp's server use.
struct TokenizeEndpoints: Sendable {
    let slot: ModelSlot

    /// `{"prompt": text}` (vLLM; BOS added unless `add_special_tokens` is false),
    /// `{"content": text}` (llama.cpp; BOS only with `add_special`) or `{"messages": [...]}`
    /// (the chat template's prompt) → `{"tokens", "count", "max_model_len"}`, plus `pieces`
    /// (`[{"id", "piece"}]`) with `with_pieces`. Special-token text is parsed, as both servers do.
    func tokenize(body: String) throws(APIError) -> Response {
        let model = try slot.model()
        let f = try JSONFields(body: body)
        let lm = model.languageModel
        let tokens: [Int]
        if let messages = try f.array("messages") {
            var parsed: [ChatMessage] = []
            for (i, m) in messages.enumerated() { parsed.append(try ChatCompletionRequest.message(m, path: "messages[\(i)]")) }
            do { tokens = try lm.chatPrompt(parsed, tools: try f.array("tools")).tokens } catch {
                throw .invalidRequest("The messages do not render with the model's chat template: \(error)", param: "messages")
            }
        } else if let prompt = try f.string("prompt") {
            tokens = lm.tokenize(prompt, addSpecial: try f.bool("add_special_tokens") ?? true, parseSpecial: true)
        } else if let content = try f.string("content") {
            tokens = lm.tokenize(content, addSpecial: try f.bool("add_special") ?? false, parseSpecial: true)
        } else {
            throw .invalidRequest("Send 'prompt' (or 'content') as a string, or 'messages'.", param: "prompt")
        }
        var out: TemplateObject = ["tokens": .array(tokens.map { .int($0) }), "count": .int(tokens.count),
                                   "max_model_len": .int(model.contextSize)]
        if try f.bool("with_pieces") == true {
            out["pieces"] = .array(tokens.map { ["id": .int($0), "piece": .string(LogprobsJSON.text($0, lm.tokenizer))] })
        }
        return .json(.object(out))
    }

    /// `{"tokens": [ids]}` → `{"prompt": text, "content": text}` (vLLM's key and llama.cpp's).
    func detokenize(body: String) throws(APIError) -> Response {
        let model = try slot.model()
        let f = try JSONFields(body: body)
        guard let items = try f.array("tokens") else { throw .invalidRequest("'tokens' is required.", param: "tokens") }
        let vocabulary = model.languageModel.tokenizer.vocabularySize
        var ids: [Int] = []
        for (i, item) in items.enumerated() {
            guard case .int(let id) = item, (0..<vocabulary).contains(id) else {
                throw .invalidRequest("'tokens[\(i)]' must be a token id in 0..<\(vocabulary).", param: "tokens[\(i)]")
            }
            ids.append(id)
        }
        let text = model.languageModel.tokenizer.decode(ids)
        return .json(["prompt": .string(text), "content": .string(text)])
    }
}
