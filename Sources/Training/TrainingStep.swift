import Architectures
import Autodiff
import Compute

/// One optimizer step of a decoder graph: forward and backward over `accumulation` micro-batches
/// (gradients add up; each micro-batch's loss is scaled by 1/accumulation so the sum is the mean),
/// global-norm clipping, AdamW at the step's learning rate.
public struct TrainingStep {
    public let graph: DecoderGraph
    public let optimizer: AdamW
    public let tape: Tape
    public var clipNorm: Float?

    public init(graph: DecoderGraph, optimizer: AdamW, tape: Tape, clipNorm: Float? = 1) {
        self.graph = graph; self.optimizer = optimizer; self.tape = tape; self.clipNorm = clipNorm
    }

    /// What a step measured.
    public struct Result: Sendable {
        /// Mean loss over the micro-batches.
        public var loss: Float
        /// Gradient norm before clipping (nil without clipping).
        public var gradientNorm: Float?
        /// Tokens that counted toward the loss.
        public var tokens: Int
    }

    /// Runs the step. Each micro-batch is (tokens, targets) of `batch` sequences laid end to end.
    public func run(_ microBatches: [(tokens: [Int32], targets: [Int32])], batch: Int, lr: Float) -> Result {
        graph.parameters.zeroGradients()
        var total: Float = 0, counted = 0
        let scale = 1 / Float(microBatches.count)
        for mb in microBatches {
            let loss = graph.loss(tape, tokens: mb.tokens, targets: mb.targets, batch: batch)
            total += loss.values[0]
            counted += mb.targets.reduce(0) { $0 + ($1 == -100 ? 0 : 1) }
            tape.backward(from: loss, seed: scale)
            tape.reset()
        }
        let norm = clipNorm.map { GradientClipping.clip(graph.parameters, maxNorm: $0) }
        optimizer.update(lr: lr, pool: tape.pool)
        return Result(loss: total * scale, gradientNorm: norm, tokens: counted)
    }

    /// Mean loss over `batches` without gradients (evaluation).
    public func evaluate(_ batches: [(tokens: [Int32], targets: [Int32])], batch: Int) -> Float {
        let recording = tape.isRecording
        tape.isRecording = false
        defer { tape.isRecording = recording }
        var total = 0.0
        for b in batches {
            total += Double(graph.loss(tape, tokens: b.tokens, targets: b.targets, batch: batch).values[0])
            tape.reset()
        }
        return Float(total / Double(max(1, batches.count)))
    }
}
