import Generation
import Tokenization

/// The fields chat and legacy completions share, read with OpenAI's defaults: a field left out
/// samples as OpenAI does (temperature 1, top_p 1, no top-k or min-p, no penalties), not as
/// llama.cpp's command line does.
struct GenerationFields {
    var sampling: SamplingParameters
    /// The limit the client asked for; nil: as many as the context leaves.
    var maxTokens: Int?
    /// The field `maxTokens` came from (`max_tokens` or `max_completion_tokens`), for errors.
    var maxTokensParam: String
    var stop: [String]
    /// Completions per prompt, each its own engine request.
    var n: Int
    var stream: Bool
    /// `stream_options.include_usage`: a last chunk with `usage` and no choices.
    var includeUsage: Bool
    /// vLLM's `ignore_eos`: generate past end-of-generation tokens.
    var ignoreEndOfGeneration: Bool

    /// Reads the shared fields; `minTokens` is the smallest `max_tokens` allowed (0 for legacy
    /// completions, where `echo` with no new tokens is how prompts are scored).
    init(_ f: JSONFields, minTokens: Int, limits: ServerLimits) throws(APIError) {
        var s = SamplingParameters()
        s.temperature = Float(try f.double("temperature", in: 0...2) ?? 1)
        s.topP = Float(try f.double("top_p", in: 0...1) ?? 1)
        if s.topP == 0 { s.topP = 1e-6 }  // top_p 0 means "only the most likely" in OpenAI's API
        s.topK = try f.int("top_k", in: -1...Int(Int32.max)).map { max($0, 0) } ?? 0
        s.minP = Float(try f.double("min_p", in: 0...1) ?? 0)
        s.presencePenalty = Float(try f.double("presence_penalty", in: -2...2) ?? 0)
        s.frequencyPenalty = Float(try f.double("frequency_penalty", in: -2...2) ?? 0)
        s.repetitionPenalty = Float(try f.double("repetition_penalty", in: 0.01...10) ?? 1)
        s.seed = try f.int("seed").map { UInt64(bitPattern: Int64($0)) }
        sampling = s

        let upper = limits.maxTokensLimit ?? Int(Int32.max)
        maxTokensParam = f.value("max_completion_tokens") != nil ? "max_completion_tokens" : "max_tokens"
        maxTokens = try f.int(maxTokensParam, in: minTokens...Int.max)
        if let maxTokens, maxTokens > upper {
            throw .invalidRequest("'\(maxTokensParam)' is \(maxTokens); this server allows at most \(upper).", param: maxTokensParam)
        }

        switch f.value("stop") {
        case nil: stop = []
        case .string(let s)?: stop = [s]
        case .array(let items)?:
            stop = []
            for (i, item) in items.enumerated() {
                guard case .string(let s) = item else { throw f.wrongType("stop[\(i)]", "a string") }
                stop.append(s)
            }
        default: throw f.wrongType("stop", "a string or an array of strings")
        }
        if stop.count > 16 { throw .invalidRequest("'stop' may hold at most 16 strings.", param: "stop") }

        n = try f.int("n", in: 1...limits.maxChoices) ?? 1
        stream = try f.bool("stream") ?? false
        includeUsage = try f.object("stream_options")?.bool("include_usage") ?? false
        ignoreEndOfGeneration = try f.bool("ignore_eos") ?? false
        _ = try f.string("user")  // accepted, not used
    }

    /// The sampling of choice `index`: with a seed, each choice gets its own (seed + index), so
    /// n choices differ yet the whole response is reproducible.
    func sampling(forChoice index: Int) -> SamplingParameters {
        var s = sampling
        if let seed = s.seed { s.seed = seed &+ UInt64(index) }
        return s
    }

    /// The token limit for a prompt of `promptTokens` in a context of `contextSize`: the one
    /// asked for, else what the context leaves (capped by the server's limit).
    func maxTokens(promptTokens: Int, contextSize: Int, limits: ServerLimits) -> Int {
        if let maxTokens { return maxTokens }
        let room = max(contextSize - promptTokens, 1)
        return min(room, limits.maxTokensLimit ?? room)
    }
}
