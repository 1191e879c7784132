import Tokenization

/// How an `Engine` schedules and how much memory it may take.
public struct EngineConfiguration: Sendable, Equatable {
    /// Sequences decoded together in one forward per step (llama.cpp `--parallel`, vLLM `max_num_seqs`).
    public var maxRunning = 8
    /// Positions one sequence may hold (prompt + generated).
    public var contextSize = 4096
    /// Bytes of the paged KV cache (keys and values of every layer); nil sizes it for
    /// `maxRunning` sequences of `contextSize`, capped at 2 GiB.
    public var kvCacheBytes: Int? = nil
    /// Positions per KV page (vLLM's block size).
    public var pageSize = 16
    /// Tokens computed per step at most (decodes first, then chunks of waiting prompts): a long
    /// prompt is prefilled in chunks so that running decodes keep their pace.
    public var stepTokens = 256
    /// Requests that may wait for a slot; `submit` refuses more with `EngineError.queueFull`.
    public var maxWaiting = 64
    /// Reuse the KV pages of a prompt prefix that an earlier request computed.
    public var prefixCaching = true

    public init() {}
}

/// One request to the engine: prompt tokens in, a stream of `EngineEvent`s out.
public struct EngineRequest: Sendable {
    /// Prompt token ids (already templated and tokenized).
    public var prompt: [Int]
    /// Upper bound on generated tokens.
    public var maxTokens: Int
    public var sampling: SamplingParameters
    /// Generation ends before the first occurrence of any of these strings (not included).
    public var stop: [String]
    /// Keep going past end-of-generation tokens.
    public var ignoreEndOfGeneration: Bool
    /// nil: no log-probabilities; k ≥ 0: each generated token's log-probability and the k most
    /// likely alternatives (OpenAI `logprobs` / `top_logprobs`).
    public var logprobs: Int?
    /// nil: none; k ≥ 0: the log-probability of every prompt token after the first, with k
    /// alternatives (OpenAI completions `echo` + `logprobs`, what lm-evaluation-harness scores with).
    public var promptLogprobs: Int?
    /// Restricts which tokens may come next (JSON schema, tool-call grammar); nil: any.
    public var constraint: (any TokenConstraint)?

    public init(prompt: [Int], maxTokens: Int = 256, sampling: SamplingParameters = SamplingParameters(),
                stop: [String] = [], ignoreEndOfGeneration: Bool = false, logprobs: Int? = nil,
                promptLogprobs: Int? = nil, constraint: (any TokenConstraint)? = nil) {
        self.prompt = prompt; self.maxTokens = maxTokens; self.sampling = sampling; self.stop = stop
        self.ignoreEndOfGeneration = ignoreEndOfGeneration; self.logprobs = logprobs
        self.promptLogprobs = promptLogprobs; self.constraint = constraint
    }
}

/// A token's log-probability under the model's raw distribution (log-softmax of the logits,
/// before penalties, temperature or constraints), with the most likely alternatives.
public struct TokenLogprob: Sendable, Equatable {
    public struct Alternative: Sendable, Equatable {
        public let id: Int
        public let logprob: Float
        public init(id: Int, logprob: Float) { self.id = id; self.logprob = logprob }
    }
    public let id: Int
    public let logprob: Float
    /// The most likely tokens at this position, most likely first.
    public let top: [Alternative]
    public init(id: Int, logprob: Float, top: [Alternative]) { self.id = id; self.logprob = logprob; self.top = top }
}

/// One generated token and the text it released (possibly empty while a UTF-8 character or a
/// possible stop string is incomplete).
public struct EngineToken: Sendable {
    public let id: Int
    public let text: String
    /// Set when the request asked for `logprobs`.
    public let logprob: TokenLogprob?
}

/// How a request went, sent last.
public struct EngineCompletion: Sendable {
    public var finishReason: FinishReason
    public var promptTokens: Int
    /// Prompt tokens whose KV came from the prefix cache instead of being computed.
    public var cachedPromptTokens: Int
    /// Every generated id, including a final end-of-generation token.
    public var tokens: [Int]
    /// The generated text, without end-of-generation tokens and stop strings.
    public var text: String
    /// Seconds from `submit` to the first generated token, and to the end.
    public var timeToFirstToken: Double
    public var totalSeconds: Double
}

/// Events of one request, in order: `promptLogprobs` (if asked), `token`s, `finished`.
public enum EngineEvent: Sendable {
    /// One entry per prompt token; the first is nil (nothing predicts it).
    case promptLogprobs([TokenLogprob?])
    case token(EngineToken)
    case finished(EngineCompletion)
}

/// Why the engine refused or ended a request.
public enum EngineError: Error, CustomStringConvertible, Equatable {
    case emptyPrompt
    case promptTooLong(tokens: Int, limit: Int)
    case tokenOutOfRange(token: Int, vocabularySize: Int)
    /// `maxWaiting` requests are already queued.
    case queueFull(limit: Int)
    /// The prompt alone needs more KV pages than the whole cache has.
    case exceedsCacheCapacity(tokens: Int, capacity: Int)
    /// The engine is shutting down and takes no new requests.
    case shuttingDown
    /// A forward pass failed (a bug or a corrupt model): the message says how.
    case internalFailure(String)

    public var description: String {
        switch self {
        case .emptyPrompt: return "the prompt is empty (no tokens)"
        case let .promptTooLong(tokens, limit):
            return "the prompt has \(tokens) tokens; the context holds \(limit) with room for at least one generated token"
        case let .tokenOutOfRange(token, vocab): return "token id \(token) is outside the vocabulary (0..<\(vocab))"
        case let .queueFull(limit): return "too many requests are waiting (limit \(limit)); retry later"
        case let .exceedsCacheCapacity(tokens, capacity):
            return "the request needs \(tokens) KV positions but the whole cache holds \(capacity)"
        case .shuttingDown: return "the engine is shutting down"
        case let .internalFailure(message): return "internal failure: \(message)"
        }
    }
}

/// A snapshot of the engine's load, for `/metrics` and tests.
public struct EngineMetrics: Sendable, Equatable {
    public var running = 0
    public var waiting = 0
    /// KV pages referenced by live sequences.
    public var kvPagesUsed = 0
    /// KV pages holding a finished prefix that a later request may reuse (evictable).
    public var kvPagesCached = 0
    public var kvPagesTotal = 0
    public var pageSize = 0
    /// Totals since start.
    public var promptTokens = 0
    public var cachedPromptTokens = 0
    public var generatedTokens = 0
    public var requestsFinished = 0
    public var requestsCancelled = 0
    public var preemptions = 0
    public var steps = 0

    /// Fraction of the cache referenced by live sequences (vLLM's `gpu_cache_usage_perc`).
    public var kvUsage: Double { kvPagesTotal > 0 ? Double(kvPagesUsed) / Double(kvPagesTotal) : 0 }
    public init() {}
}

/// Restricts the tokens a request may generate (a grammar, a JSON schema), checked by the
/// engine before each token is chosen.
///
/// The engine samples as usual and asks `allows` about the chosen token; only if it is refused
/// does it compute the full mask with `allowedTokens` and sample again among the allowed ones,
/// which draws from exactly the masked distribution at a fraction of the cost.
public protocol TokenConstraint: Sendable {
    /// Whether `token` may come next.
    func allows(_ token: Int) -> Bool
    /// Every token that may come next: `mask[id]` set to true for allowed ids, false otherwise
    /// (`mask.count` is the vocabulary size).
    func allowedTokens(into mask: inout [Bool])
    /// Moves past `token`, which `allows` accepted.
    mutating func accept(_ token: Int)
    /// The output so far is complete: an end-of-generation token may come now.
    var isComplete: Bool { get }
    /// The output is complete and nothing may follow but the end.
    var mustEnd: Bool { get }
}
