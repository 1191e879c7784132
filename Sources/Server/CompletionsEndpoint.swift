import Generation
import Hummingbird
import Tokenization

/// `POST /v1/completions`: raw prompts (text or token ids), prompts × n engine requests, one
/// `text_completion` (or a stream of them). With `echo` and `logprobs`, the prompt's own tokens
/// are scored: `echo: true, max_tokens: 0, logprobs: 1` is how lm-evaluation-harness computes
/// log-likelihoods.
struct CompletionsEndpoint: Sendable {
    let slot: ModelSlot
    let limits: ServerLimits
    let metrics: ServerMetrics

    /// A prompt ready for the engine, and the text `echo` puts before the completion.
    struct PreparedPrompt: Sendable {
        let tokens: [Int]
        let text: String
    }

    func respond(to request: Request, body: String) async throws -> Response {
        let model = try slot.model()
        let c = try CompletionRequest(JSONFields(body: body), limits: limits)
        let tokenizer = model.languageModel.tokenizer
        var prompts: [PreparedPrompt] = []
        for (i, p) in c.prompts.enumerated() {
            let param = c.prompts.count == 1 ? "prompt" : "prompt[\(i)]"
            switch p {
            case .text(let text):
                prompts.append(PreparedPrompt(tokens: model.languageModel.tokenize(text), text: text))
            case .tokens(let ids):
                if let bad = ids.first(where: { $0 >= tokenizer.vocabularySize }) {
                    throw APIError.invalidRequest("Token id \(bad) is outside the vocabulary (0..<\(tokenizer.vocabularySize)).",
                                                  param: param, code: "invalid_token")
                }
                prompts.append(PreparedPrompt(tokens: ids, text: tokenizer.decode(ids)))
            }
            guard !prompts[i].tokens.isEmpty else { throw APIError.invalidRequest("The prompt is empty (no tokens).", param: param) }
            try checkPromptLength(prompts[i].tokens.count, model: model, limits: limits, param: param)
        }
        let constraint = try OutputConstraint.make(format: c.responseFormat, forcedCall: nil, tokens: model.tokenTrie)
        let g = c.generation
        var requests: [EngineRequest] = []
        for p in prompts {
            for j in 0..<g.n {
                requests.append(EngineRequest(
                    prompt: p.tokens, maxTokens: g.maxTokens(promptTokens: p.tokens.count, contextSize: model.contextSize, limits: limits),
                    sampling: g.sampling(forChoice: j), stop: g.stop, ignoreEndOfGeneration: g.ignoreEndOfGeneration,
                    logprobs: c.logprobs, promptLogprobs: c.echo ? c.logprobs : nil, constraint: constraint))
            }
        }
        let streams = try ChoiceStreams.submit(requests, to: model.engine, promptParam: "prompt")
        let meta = ResponseMeta(prefix: "cmpl-", model: model.id)
        let stream = CompletionStream(meta: meta, request: c, prompts: prompts, tokenizer: tokenizer, metrics: metrics)
        return try await generationResponse(request, streaming: g.stream, streams: streams, events: stream, metrics: metrics) {
            stream.completion($0)
        }
    }
}
