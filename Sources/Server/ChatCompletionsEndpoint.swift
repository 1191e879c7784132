import Generation
import Hummingbird
import Tokenization

/// `POST /v1/chat/completions`: the conversation through the model's chat template, n engine
/// requests, one `chat.completion` (or a stream of `chat.completion.chunk`s).
struct ChatCompletionsEndpoint: Sendable {
    let slot: ModelSlot
    let limits: ServerLimits
    let metrics: ServerMetrics

    func respond(to request: Request, body: String) async throws -> Response {
        let model = try slot.model()
        let chat = try ChatCompletionRequest(JSONFields(body: body), limits: limits)
        let lm = model.languageModel
        let prompt: [Int]
        do {
            prompt = try lm.chatPrompt(chat.messages, tools: chat.templateTools).tokens
        } catch {
            throw APIError.invalidRequest("The messages do not render with the model's chat template: \(error)", param: "messages")
        }
        try checkPromptLength(prompt.count, model: model, limits: limits, param: "messages")

        let forced: HermesToolCallParser.ForcedCall?
        switch chat.toolChoice {
        case .required: forced = HermesToolCallParser.forcedCall(tools: chat.tools)
        case .function(let name): forced = HermesToolCallParser.forcedCall(tools: chat.tools, name: name)
        case .auto, .none: forced = nil
        }
        let constraint = try OutputConstraint.make(format: chat.responseFormat, forcedCall: forced, tokens: model.tokenTrie)
        let g = chat.generation
        let maxTokens = g.maxTokens(promptTokens: prompt.count, contextSize: model.contextSize, limits: limits)
        let requests = (0..<g.n).map { i in
            EngineRequest(prompt: prompt, maxTokens: maxTokens, sampling: g.sampling(forChoice: i), stop: g.stop,
                          ignoreEndOfGeneration: g.ignoreEndOfGeneration, logprobs: chat.logprobs, constraint: constraint)
        }
        let streams = try ChoiceStreams.submit(requests, to: model.engine, promptParam: "messages")
        let meta = ResponseMeta(prefix: "chatcmpl-", model: model.id)
        let stream = ChatStream(meta: meta, chat: chat, tokenizer: lm.tokenizer, promptTokens: prompt.count, metrics: metrics)
        return try await generationResponse(request, streaming: g.stream, streams: streams, events: stream, metrics: metrics) {
            completion($0, meta: meta, chat: chat, tokenizer: lm.tokenizer, promptTokens: prompt.count)
        }
    }

    /// The `chat.completion` object.
    func completion(_ results: [ChoiceResult], meta: ResponseMeta, chat: ChatCompletionRequest, tokenizer: Tokenizer,
                    promptTokens: Int) -> TemplateValue {
        var usage = Usage(promptTokens: promptTokens)
        var choices: [TemplateValue] = []
        for (index, r) in results.enumerated() {
            var content: String? = r.text
            var calls: [ParsedToolCall] = []
            if chat.parsesToolCalls { (content, calls) = HermesToolCallParser.parse(r.text, knownTools: chat.toolNames) }
            var message: TemplateObject = ["role": "assistant", "content": content.map(TemplateValue.string) ?? .null]
            if !calls.isEmpty { message["tool_calls"] = .array(calls.map(toolCallJSON)) }
            let logprobs: TemplateValue = chat.logprobs == nil ? .null
                : LogprobsJSON.chat(r.tokens.compactMap(\.logprob).map { LogprobsJSON.chatEntry($0, tokenizer) })
            choices.append(["index": .int(index), "message": .object(message), "logprobs": logprobs,
                            "finish_reason": .string(finishReasonText(r.completion?.finishReason, calledTools: !calls.isEmpty))])
            usage.completionTokens += r.completion?.tokens.count ?? r.tokens.count
            usage.cachedTokens = max(usage.cachedTokens, r.completion?.cachedPromptTokens ?? 0)
        }
        return meta.object("chat.completion", choices: choices, usage: usage.json)
    }
}
