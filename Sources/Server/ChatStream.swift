import Generation
import Hummingbird
import Tokenization

/// A streamed chat completion: a role delta per choice first, then content deltas as text is
/// released (tool calls as whole `tool_calls` deltas when their block closes), a last delta per
/// choice with its `finish_reason`, a usage chunk with no choices when asked, and `[DONE]`.
struct ChatStream: Sendable {
    let meta: ResponseMeta
    let chat: ChatCompletionRequest
    let tokenizer: Tokenizer
    let promptTokens: Int
    let metrics: ServerMetrics

    /// One choice's progress.
    struct ChoiceState {
        var parser: HermesToolCallParser?
        var toolCalls = 0
        /// Log-probabilities of tokens whose text has not been sent yet.
        var logprobs: [TemplateValue] = []

        /// What newly released text is: all content without tools, else what the parser finds.
        mutating func push(_ text: String) -> [HermesToolCallParser.Event] {
            parser == nil ? [.content(text)] : parser!.push(text)
        }

        mutating func finish() -> [HermesToolCallParser.Event] { parser == nil ? [] : parser!.finish() }

        mutating func takeLogprobs() -> [TemplateValue] {
            defer { logprobs.removeAll() }
            return logprobs
        }
    }

    func write(_ streams: ChoiceStreams, to writer: inout any ResponseBodyWriter) async throws {
        let n = streams.streams.count
        let parser = chat.parsesToolCalls ? HermesToolCallParser(knownTools: chat.toolNames) : nil
        var states = Array(repeating: ChoiceState(parser: parser), count: n)
        var usage = Usage(promptTokens: promptTokens)
        for index in 0..<n {
            try await writer.write(chunk(index, ["role": "assistant", "content": ""]))
        }
        do {
            try await streams.forEachEvent { index, event in
                switch event {
                case .promptLogprobs: break
                case .token(let token):
                    if let lp = token.logprob { states[index].logprobs.append(LogprobsJSON.chatEntry(lp, tokenizer)) }
                    guard !token.text.isEmpty else { return }
                    let events = states[index].push(token.text)
                    for delta in deltas(events, &states[index]) {
                        try await writer.write(chunk(index, delta, logprobs: states[index].takeLogprobs()))
                    }
                case .finished(let c):
                    metrics.recordCompletion(c)
                    usage.completionTokens += c.tokens.count
                    usage.cachedTokens = max(usage.cachedTokens, c.cachedPromptTokens)
                    let events = states[index].finish()
                    for delta in deltas(events, &states[index]) {
                        try await writer.write(chunk(index, delta, logprobs: states[index].takeLogprobs()))
                    }
                    let reason = finishReasonText(c.finishReason, calledTools: states[index].toolCalls > 0)
                    try await writer.write(chunk(index, [:], logprobs: states[index].takeLogprobs(), finishReason: reason))
                }
            }
        } catch let error as APIError {
            try await writer.write(ServerSentEvents.data(error.body))
        } catch let error as EngineError {
            try await writer.write(ServerSentEvents.data(APIError(error, promptParam: "messages").body))
        }
        if chat.generation.includeUsage {
            try await writer.write(ServerSentEvents.data(meta.object("chat.completion.chunk", choices: [], usage: usage.json)))
        }
        try await writer.write(ServerSentEvents.done)
    }

    /// Deltas for parser events: `{"content"}` or `{"tool_calls": [{index, id, type, function}]}`.
    func deltas(_ events: [HermesToolCallParser.Event], _ state: inout ChoiceState) -> [TemplateObject] {
        events.map { event in
            switch event {
            case .content(let text):
                return ["content": .string(text)]
            case .toolCall(let call):
                var entry = toolCallJSON(call).objectValue!
                entry = TemplateObject([("index", .int(state.toolCalls))] + entry.map { ($0.key, $0.value) })
                state.toolCalls += 1
                return ["tool_calls": [.object(entry)]]
            }
        }
    }

    /// One `chat.completion.chunk` for choice `index`, with the log-probabilities of its tokens.
    func chunk(_ index: Int, _ delta: TemplateObject, logprobs: [TemplateValue] = [], finishReason: String? = nil) -> ByteBuffer {
        let lp: TemplateValue = chat.logprobs == nil || logprobs.isEmpty ? .null : LogprobsJSON.chat(logprobs)
        let choice: TemplateValue = ["index": .int(index), "delta": .object(delta), "logprobs": lp,
                                     "finish_reason": finishReason.map(TemplateValue.string) ?? .null]
        return ServerSentEvents.data(meta.object("chat.completion.chunk", choices: [choice],
                                                 includeUsageKey: chat.generation.includeUsage))
    }
}
