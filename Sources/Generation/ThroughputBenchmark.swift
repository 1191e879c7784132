import Architectures
import Compute
import Foundation

/// Prefill and decode throughput measured as llama-bench measures it: a prompt of random
/// tokens evaluated in one call from an empty cache (pp), then single tokens from an empty cache
/// (tg); the median of several repetitions.
public enum ThroughputBenchmark {
    public struct Result: Codable, Sendable {
        public let model: String
        public let threads: Int
        public let promptTokens: Int
        public let generatedTokens: Int
        public let prefillTokensPerSecond: Double
        public let decodeTokensPerSecond: Double
        public let prefillRuns: [Double]
        public let decodeRuns: [Double]
    }

    public static func run(_ model: DecoderModel, promptTokens: Int, generatedTokens: Int, repetitions: Int = 3,
                           pool: ThreadPool = .shared) throws -> Result {
        var rng = Xoshiro256(seed: 0)
        let vocab = model.config.vocabularySize
        func tokens(_ n: Int) -> [Int] {
            (0..<n).map { _ in 1000 + Int(rng.next() % UInt64(max(1, vocab - 2000))) }
        }
        let logits = FloatBuffer(count: vocab)
        let cache = model.makeCache(maxPositions: promptTokens + generatedTokens + 16)
        // Warm-up: page the weights in and size the scratch buffers.
        try model.forward(tokens(min(32, max(1, promptTokens))), cache: cache, logits: logits, pool: pool)
        var pp = [Double](), tg = [Double]()
        let prompt = tokens(promptTokens)
        let generation = tokens(generatedTokens)
        for _ in 0..<max(1, repetitions) {
            if promptTokens > 0 {
                cache.truncate(to: 0)
                let t0 = Date()
                try model.forward(prompt, cache: cache, logits: logits, pool: pool)
                pp.append(Double(promptTokens) / Date().timeIntervalSince(t0))
            }
            if generatedTokens > 0 {
                cache.truncate(to: 0)
                let t0 = Date()
                for t in generation { try model.forward([t], cache: cache, logits: logits, pool: pool) }
                tg.append(Double(generatedTokens) / Date().timeIntervalSince(t0))
            }
        }
        func median(_ x: [Double]) -> Double { x.isEmpty ? 0 : x.sorted()[x.count / 2] }
        return Result(model: URL(fileURLWithPath: model.file.path).lastPathComponent, threads: pool.threadCount,
                      promptTokens: promptTokens, generatedTokens: generatedTokens,
                      prefillTokensPerSecond: median(pp), decodeTokensPerSecond: median(tg), prefillRuns: pp, decodeRuns: tg)
    }
}
