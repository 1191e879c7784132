/// What to generate.
public struct GenerationRequest: Sendable {
    /// Prompt token ids (already templated and tokenized).
    public var prompt: [Int]
    /// Upper bound on generated tokens.
    public var maxTokens: Int = 256
    public var sampling = SamplingParameters()
    /// Generation ends before the first occurrence of any of these strings (not included).
    public var stop: [String] = []
    /// Keep going past end-of-generation tokens (llama.cpp `--ignore-eos`).
    public var ignoreEndOfGeneration = false

    public init(prompt: [Int], maxTokens: Int = 256, sampling: SamplingParameters = SamplingParameters(),
                stop: [String] = [], ignoreEndOfGeneration: Bool = false) {
        self.prompt = prompt; self.maxTokens = maxTokens; self.sampling = sampling
        self.stop = stop; self.ignoreEndOfGeneration = ignoreEndOfGeneration
    }
}

/// Why generation ended (OpenAI's `finish_reason` words).
public enum FinishReason: String, Sendable, Codable {
    /// An end-of-generation token or a stop string.
    case stop
    /// `maxTokens` reached, or the context is full.
    case length
    /// The consumer stopped listening.
    case cancelled
}

/// One generated token and the text it released (possibly empty while a UTF-8 character or a
/// possible stop string is incomplete).
public struct GeneratedToken: Sendable {
    public let id: Int
    public let text: String
}

/// Time spent, for tokens-per-second figures.
public struct GenerationTimings: Sendable, Codable {
    /// Prompt tokens actually computed (those not reused from the session's cache).
    public var promptTokensEvaluated = 0
    public var promptSeconds = 0.0
    public var generatedTokens = 0
    public var generationSeconds = 0.0

    public var promptTokensPerSecond: Double { promptSeconds > 0 ? Double(promptTokensEvaluated) / promptSeconds : 0 }
    public var generationTokensPerSecond: Double {
        generationSeconds > 0 ? Double(generatedTokens) / generationSeconds : 0
    }
}

/// The outcome of a whole generation.
public struct GenerationResult: Sendable {
    public var promptTokens: [Int]
    /// Every generated id, including a final end-of-generation token.
    public var tokens: [Int]
    /// The generated text, without end-of-generation tokens and stop strings.
    public var text: String
    public var finishReason: FinishReason
    public var timings: GenerationTimings
    /// Bytes the session's KV cache had allocated at the end.
    public var kvCacheBytes: Int
}

/// Events of a streamed generation.
public enum GenerationEvent: Sendable {
    case token(GeneratedToken)
    case finished(GenerationResult)
}

/// Errors before or during generation.
public enum GenerationError: Error, CustomStringConvertible, Equatable {
    case emptyPrompt
    case promptTooLong(tokens: Int, context: Int)

    public var description: String {
        switch self {
        case .emptyPrompt: return "the prompt is empty (no tokens)"
        case let .promptTooLong(tokens, context):
            return "the prompt has \(tokens) tokens, more than the context of \(context) can hold with room to generate"
        }
    }
}
