import Generation
import Hummingbird
import Tokenization

/// The `text_completion` objects of one legacy completions request, whole or streamed. Choice
/// `i` answers prompt `i / n`.
struct CompletionStream: Sendable {
    let meta: ResponseMeta
    let request: CompletionRequest
    let prompts: [CompletionsEndpoint.PreparedPrompt]
    let tokenizer: Tokenizer
    let metrics: ServerMetrics

    func prompt(ofChoice index: Int) -> CompletionsEndpoint.PreparedPrompt { prompts[index / request.generation.n] }

    var usagePromptTokens: Int { prompts.reduce(0) { $0 + $1.tokens.count } }

    /// The legacy `logprobs` of choice `index` so far: prompt tokens first when echoing.
    func startLogprobs(ofChoice index: Int, promptLogprobs: [TokenLogprob?]?) -> LogprobsJSON.Legacy {
        let p = prompt(ofChoice: index)
        guard request.echo else { return LogprobsJSON.Legacy(startOffset: p.text.unicodeScalars.count) }
        var legacy = LogprobsJSON.Legacy()
        for (k, id) in p.tokens.enumerated() {
            legacy.append(id, promptLogprobs.flatMap { k < $0.count ? $0[k] : nil }, tokenizer)
        }
        return legacy
    }

    func choice(_ index: Int, text: String, logprobs: LogprobsJSON.Legacy?, finishReason: String?) -> TemplateValue {
        ["text": .string(text), "index": .int(index), "logprobs": logprobs?.json ?? .null,
         "finish_reason": finishReason.map(TemplateValue.string) ?? .null]
    }

    /// The whole response.
    func completion(_ results: [ChoiceResult]) -> TemplateValue {
        var usage = Usage(promptTokens: usagePromptTokens)
        var choices: [TemplateValue] = []
        for (index, r) in results.enumerated() {
            var logprobs: LogprobsJSON.Legacy? = nil
            if request.logprobs != nil {
                var legacy = startLogprobs(ofChoice: index, promptLogprobs: r.promptLogprobs)
                for token in r.tokens where token.id >= 0 { legacy.append(token.id, token.logprob, tokenizer) }
                logprobs = legacy
            }
            let text = (request.echo ? prompt(ofChoice: index).text : "") + r.text
            choices.append(choice(index, text: text, logprobs: logprobs, finishReason: finishReasonText(r.completion?.finishReason)))
            usage.completionTokens += r.completion?.tokens.count ?? r.tokens.count
            usage.cachedTokens = max(usage.cachedTokens, r.completion?.cachedPromptTokens ?? 0)
        }
        return meta.object("text_completion", choices: choices, usage: usage.json)
    }

    /// Streams chunks: the echoed prompt (if asked) when its scores arrive, text as it is
    /// released, a last chunk per choice with `finish_reason`, usage if asked, `[DONE]`.
    func write(_ streams: ChoiceStreams, to writer: inout any ResponseBodyWriter) async throws {
        let n = streams.streams.count
        let wantsLogprobs = request.logprobs != nil
        var pending = (0..<n).map { i -> LogprobsJSON.Legacy in
            LogprobsJSON.Legacy(startOffset: request.echo ? 0 : prompt(ofChoice: i).text.unicodeScalars.count)
        }
        var echoed = Array(repeating: !request.echo, count: n)
        var usage = Usage(promptTokens: usagePromptTokens)
        func take(_ i: Int) -> LogprobsJSON.Legacy? {
            guard wantsLogprobs else { return nil }
            defer { pending[i] = LogprobsJSON.Legacy(startOffset: pending[i].offset) }
            return pending[i]
        }
        func echo(_ i: Int, _ promptLogprobs: [TokenLogprob?]?, to writer: inout any ResponseBodyWriter) async throws {
            guard !echoed[i] else { return }
            echoed[i] = true
            pending[i] = startLogprobs(ofChoice: i, promptLogprobs: promptLogprobs)
            try await writer.write(chunk(choice(i, text: prompt(ofChoice: i).text, logprobs: take(i), finishReason: nil)))
        }
        do {
            try await streams.forEachEvent { i, event in
                switch event {
                case .promptLogprobs(let lps):
                    try await echo(i, lps, to: &writer)
                case .token(let token):
                    try await echo(i, nil, to: &writer)
                    if token.id >= 0 { pending[i].append(token.id, token.logprob, tokenizer) }  // -1: held text released at the end
                    guard !token.text.isEmpty else { return }
                    try await writer.write(chunk(choice(i, text: token.text, logprobs: take(i), finishReason: nil)))
                case .finished(let c):
                    try await echo(i, nil, to: &writer)
                    metrics.recordCompletion(c)
                    usage.completionTokens += c.tokens.count
                    usage.cachedTokens = max(usage.cachedTokens, c.cachedPromptTokens)
                    let logprobs = take(i)
                    try await writer.write(chunk(choice(i, text: "", logprobs: logprobs?.tokens.isEmpty == false ? logprobs : nil,
                                                        finishReason: finishReasonText(c.finishReason))))
                }
            }
        } catch let error as APIError {
            try await writer.write(ServerSentEvents.data(error.body))
        } catch let error as EngineError {
            try await writer.write(ServerSentEvents.data(APIError(error, promptParam: "prompt").body))
        }
        if request.generation.includeUsage {
            try await writer.write(ServerSentEvents.data(meta.object("text_completion", choices: [], usage: usage.json)))
        }
        try await writer.write(ServerSentEvents.done)
    }

    func chunk(_ choice: TemplateValue) -> ByteBuffer {
        ServerSentEvents.data(meta.object("text_completion", choices: [choice], includeUsageKey: request.generation.includeUsage))
    }
}
