import Generation

/// The engine requests behind one response (n choices, or prompts × n for legacy completions),
/// consumed together so that they run in the same batches.
struct ChoiceStreams {
    let streams: [AsyncThrowingStream<EngineEvent, Error>]

    /// Submits every request, or none: when one is refused (a full queue, a prompt too long),
    /// the streams already made are dropped, which cancels their requests.
    static func submit(_ requests: [EngineRequest], to engine: any GenerationEngine, promptParam: String) throws(APIError) -> ChoiceStreams {
        var streams: [AsyncThrowingStream<EngineEvent, Error>] = []
        streams.reserveCapacity(requests.count)
        for request in requests {
            do { streams.append(try engine.submit(request)) } catch { throw APIError(error, promptParam: promptParam) }
        }
        return ChoiceStreams(streams: streams)
    }

    /// Calls `body(choice, event)` for every event of every stream, in arrival order, on the
    /// calling task; returns when all streams have ended. When `body` throws or the calling task
    /// is cancelled (the client went away), every stream stops being consumed, so the engine
    /// cancels the requests and frees their KV pages.
    func forEachEvent(_ body: (Int, EngineEvent) async throws -> Void) async throws {
        if streams.count == 1 {
            for try await event in streams[0] { try await body(0, event) }
            try Task.checkCancellation()  // a cancelled consumer sees the stream end early
            return
        }
        // nil marks the end of one stream.
        let (merged, sink) = AsyncThrowingStream.makeStream(of: (Int, EngineEvent?).self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, stream) in streams.enumerated() {
                group.addTask {
                    do {
                        for try await event in stream { sink.yield((index, event)) }
                        sink.yield((index, nil))
                    } catch {
                        sink.finish(throwing: error)
                    }
                }
            }
            var open = streams.count
            for try await (index, event) in merged {
                guard let event else {
                    open -= 1
                    if open == 0 { break }
                    continue
                }
                try await body(index, event)
            }
            try Task.checkCancellation()
            group.cancelAll()
        }
    }
}

/// One choice's events gathered for a non-streamed response.
struct ChoiceResult: Sendable {
    var tokens: [EngineToken] = []
    var promptLogprobs: [TokenLogprob?]? = nil
    var completion: EngineCompletion? = nil

    mutating func add(_ event: EngineEvent) {
        switch event {
        case .promptLogprobs(let lps): promptLogprobs = lps
        case .token(let token): tokens.append(token)
        case .finished(let c): completion = c
        }
    }

    /// Generated text without stop strings and end-of-generation tokens.
    var text: String { completion?.text ?? tokens.map(\.text).joined() }
}

/// Runs every stream to its end, gathering each choice; `onFinish` sees each completion (for metrics).
func gatherChoices(_ streams: ChoiceStreams, onFinish: (EngineCompletion) -> Void) async throws -> [ChoiceResult] {
    var results = Array(repeating: ChoiceResult(), count: streams.streams.count)
    try await streams.forEachEvent { index, event in
        results[index].add(event)
        if case .finished(let c) = event { onFinish(c) }
    }
    try Task.checkCancellation()
    return results
}

/// OpenAI's `finish_reason` for how a request ended (`abort`, as vLLM says, when the engine
/// ended it on shutdown).
func finishReasonText(_ reason: FinishReason?, calledTools: Bool = false) -> String {
    switch reason {
    case .stop?: return calledTools ? "tool_calls" : "stop"
    case .length?: return "length"
    case .cancelled?, nil: return "abort"
    }
}
