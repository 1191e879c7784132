import ArgumentParser
import Compute
import Generation
import ModelFiles

/// Options every model command shares.
struct ModelOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "A GGUF file or a short name (\(ModelCatalog.entries.map(\.shortName).joined(separator: ", "))).")
    var model: String = ModelCatalog.defaultModel

    @Option(name: .shortAndLong, help: "Threads for the kernels (default: all cores, or TERN_THREADS).")
    var threads: Int?

    @Option(name: [.customLong("ctx"), .customShort("c")], help: "Context size in tokens (default 4096, at most the model's).")
    var contextSize: Int?

    func validate() throws {
        if let threads, threads < 1 || threads > 256 { throw ValidationError("--threads must be between 1 and 256") }
        if let contextSize, contextSize < 16 { throw ValidationError("--ctx must be at least 16") }
    }

    var pool: ThreadPool { threads.map { ThreadPool(threadCount: $0) } ?? .shared }

    func load() throws -> LanguageModel {
        try LanguageModel(model, contextSize: contextSize, pool: pool)
    }
}

/// Sampling flags with llama.cpp's names and defaults.
struct SamplingOptions: ParsableArguments {
    @Option(name: [.customLong("temperature"), .customLong("temp")], help: "Temperature; 0 is greedy.")
    var temperature: Float = 0.8
    @Option(name: .customLong("top-k"), help: "Top-k (0 = off).")
    var topK: Int = 40
    @Option(name: .customLong("top-p"), help: "Top-p (1 = off).")
    var topP: Float = 0.95
    @Option(name: .customLong("min-p"), help: "Min-p (0 = off).")
    var minP: Float = 0.05
    @Option(name: .customLong("repeat-penalty"), help: "Repetition penalty (1 = off).")
    var repeatPenalty: Float = 1
    @Option(name: .customLong("repeat-last-n"), help: "Tokens the penalties look back over (-1 = all).")
    var repeatLastN: Int = 64
    @Option(name: .customLong("presence-penalty"), help: "Presence penalty.")
    var presencePenalty: Float = 0
    @Option(name: .customLong("frequency-penalty"), help: "Frequency penalty.")
    var frequencyPenalty: Float = 0
    @Option(name: .shortAndLong, help: "Random seed (default: random).")
    var seed: UInt64?

    func validate() throws {
        guard temperature >= 0, temperature.isFinite else { throw ValidationError("--temperature must be ≥ 0") }
        guard topK >= 0 else { throw ValidationError("--top-k must be ≥ 0") }
        guard (0...1).contains(topP), topP > 0 else { throw ValidationError("--top-p must be in (0, 1]") }
        guard (0...1).contains(minP) else { throw ValidationError("--min-p must be in [0, 1]") }
        guard repeatPenalty > 0 else { throw ValidationError("--repeat-penalty must be > 0") }
    }

    var parameters: SamplingParameters {
        var p = SamplingParameters()
        p.temperature = temperature; p.topK = topK; p.topP = topP; p.minP = minP
        p.repetitionPenalty = repeatPenalty; p.penaltyWindow = repeatLastN
        p.presencePenalty = presencePenalty; p.frequencyPenalty = frequencyPenalty
        p.seed = seed
        return p
    }
}
