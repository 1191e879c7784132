import Architectures
import Autodiff
import Compute
import Foundation

/// Training throughput of a decoder configuration on random tokens: warm-up steps, then the median
/// of timed steps (forward, backward, clipping, AdamW), as the PyTorch anchor script measures it.
public enum TrainingBenchmark {
    /// The reference configuration ("S"): GPT-2 style, 6 layers, 6 heads, width 384,
    /// context 256, vocabulary 8192, batch 16.
    public static let small = (config: DecoderConfig.gpt2(vocabulary: 8192, context: 256, layers: 6, heads: 6, width: 384), batch: 16)

    public struct Result: Codable, Sendable {
        public var parameters: Int
        public var batch: Int
        public var context: Int
        public var threads: Int
        public var firstStepSeconds: Double
        public var medianStepSeconds: Double
        public var minStepSeconds: Double
        public var maxStepSeconds: Double
        public var tokensPerSecond: Double
        public var loss: Float
    }

    public static func run(config: DecoderConfig, batch: Int, warmup: Int = 3, steps: Int = 10,
                           pool: ThreadPool = .shared, seed: UInt64 = 1) throws -> Result {
        let graph = try DecoderGraph(config: config, seed: seed)
        let tape = Tape(pool: pool)
        let optimizer = AdamW(graph.parameters)
        var rng = SeededGenerator(seed: seed + 1)
        let t = config.contextLength
        let tokens = (0..<batch * t).map { _ in Int32(rng.next() % UInt64(config.vocabularySize)) }
        let targets = (0..<batch * t).map { _ in Int32(rng.next() % UInt64(config.vocabularySize)) }
        var times: [Double] = []
        var loss: Float = 0
        for _ in 0..<warmup + steps {
            let start = DispatchTime.now().uptimeNanoseconds
            loss = optimizerStep(graph, tape: tape, optimizer: optimizer, tokens: tokens, targets: targets, batch: batch, lr: 6e-4)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let timed = times.dropFirst(warmup).sorted()
        let median = timed[timed.count / 2]
        return Result(parameters: graph.parameters.trainableCount, batch: batch, context: t, threads: pool.threadCount,
                      firstStepSeconds: times[0], medianStepSeconds: median, minStepSeconds: timed.first!,
                      maxStepSeconds: timed.last!, tokensPerSecond: Double(batch * t) / median, loss: loss)
    }
}
