/// How the next token is chosen. Defaults are llama.cpp's (`common_params_sampling`), so a
/// user switching from llama-cli gets the same behaviour.
public struct SamplingParameters: Sendable, Equatable, Codable {
    /// Softmax temperature; 0 picks the most likely token (greedy).
    public var temperature: Float = 0.8
    /// Keep only the k most likely tokens (0 = all).
    public var topK: Int = 40
    /// Keep the smallest set of tokens whose probability reaches p (1 = all).
    public var topP: Float = 0.95
    /// Drop tokens less likely than minP × the most likely one (0 = off).
    public var minP: Float = 0.05
    /// Divide positive / multiply negative logits of recently seen tokens (1 = off).
    public var repetitionPenalty: Float = 1.0
    /// Subtract from the logit of every token seen at least once (OpenAI `presence_penalty`).
    public var presencePenalty: Float = 0
    /// Subtract count × this from the logit of every seen token (OpenAI `frequency_penalty`).
    public var frequencyPenalty: Float = 0
    /// How many of the latest tokens the penalties look at (llama.cpp `repeat_last_n`; -1 = all).
    public var penaltyWindow: Int = 64
    /// Seed of the sampler's random numbers; nil draws one from the system.
    public var seed: UInt64? = nil

    public init() {}

    /// Greedy decoding: always the most likely token, no penalties.
    public static var greedy: SamplingParameters {
        var p = SamplingParameters()
        p.temperature = 0
        return p
    }
}
