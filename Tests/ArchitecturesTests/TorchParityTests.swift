import Architectures
import Autodiff
import Compute
import Foundation
import Testing
import TestSupport

/// The whole GPT against PyTorch (scripts/fixtures/gpt_torch_parity.py): same initial weights, the
/// loss and every parameter's gradient at step 0, then 10 steps of clipping + AdamW with a warmup +
/// cosine schedule, comparing the loss before every step, after the last, and the final weights.
@Suite struct TorchParityTests {
    struct Meta: Decodable {
        struct Config: Decodable {
            let vocab, ctx, layers, heads, d, batch, steps, warmup, total: Int
            let peak_lr, min_lr, beta1, beta2, eps, weight_decay, clip: Float
        }
        let config: Config
        let names: [String]
        let shapes: [[Int]]
        let batches: [[[Int32]]]
        let losses: [Float]
        let learning_rates: [Float]
        let gradient_norms: [Float]
    }

    let directory = TestEnvironment.fixturePath("training/gpt_parity/")
    let bound: Float = 1e-4

    func load() throws -> (Meta, DecoderGraph, [String: Range<Int>]) {
        let meta = try JSONDecoder().decode(Meta.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "meta.json")))
        let initial = try Numpy.readFloat32(directory + "init.npy")
        var ranges: [String: Range<Int>] = [:], offset = 0
        for (name, shape) in zip(meta.names, meta.shapes) {
            ranges[name] = offset..<offset + shape.reduce(1, *)
            offset += shape.reduce(1, *)
        }
        let c = meta.config
        let config = DecoderConfig.gpt2(vocabulary: c.vocab, context: c.ctx, layers: c.layers, heads: c.heads, width: c.d)
        let graph = try DecoderGraph(config: config) { name, shape in
            let range = try #require(ranges[name], "the fixture has no \(name)")
            return Tensor(shape: shape, values: Array(initial[range]), requiresGrad: true)
        }
        #expect(Set(graph.parameters.entries.map(\.name)) == Set(meta.names), "same parameters as the PyTorch model")
        return (meta, graph, ranges)
    }

    /// (tokens, targets) of a fixture batch of (batch, ctx + 1) sequences.
    func split(_ batch: [[Int32]]) -> ([Int32], [Int32]) {
        (batch.flatMap { $0.dropLast() }, batch.flatMap { $0.dropFirst() })
    }

    func relative(_ a: [Float], _ b: ArraySlice<Float>) -> Float {
        var diff = 0.0, norm = 0.0
        for (x, y) in zip(a, b) { diff += Double(x - y) * Double(x - y); norm += Double(y) * Double(y) }
        return Float((diff / max(norm, 1e-30)).squareRoot())
    }

    @Test func lossAndGradientsAtStepZero() throws {
        let (meta, graph, ranges) = try load()
        let tape = Tape(pool: ThreadPool(threadCount: 2))
        let (x, y) = split(meta.batches[0])
        let loss = graph.loss(tape, tokens: x, targets: y, batch: meta.config.batch)
        #expect(abs(loss.values[0] - meta.losses[0]) <= bound * meta.losses[0], "loss \(loss.values[0]) vs \(meta.losses[0])")
        tape.backward(from: loss)
        let reference = try Numpy.readFloat32(directory + "grad0.npy")
        for e in graph.parameters.entries {
            let error = relative(e.tensor.gradients, reference[ranges[e.name]!])
            #expect(error <= bound, "\(e.name): gradient relative error \(error)")
        }
    }

    @Test func tenAdamWStepsFollowPyTorch() throws {
        let (meta, graph, ranges) = try load()
        let c = meta.config
        let tape = Tape(pool: ThreadPool(threadCount: 2))
        let schedule = LearningRateSchedule(peak: c.peak_lr, minimum: c.min_lr, warmupSteps: c.warmup, totalSteps: c.total)
        let optimizer = AdamW(graph.parameters, .init(beta1: c.beta1, beta2: c.beta2, epsilon: c.eps, weightDecay: c.weight_decay))
        for step in 0...c.steps {
            let (x, y) = split(meta.batches[step])
            graph.parameters.zeroGradients()
            let loss = graph.loss(tape, tokens: x, targets: y, batch: c.batch)
            let value = loss.values[0]
            #expect(abs(value - meta.losses[step]) <= bound * meta.losses[step], "step \(step): loss \(value) vs \(meta.losses[step])")
            if step == c.steps { break }
            tape.backward(from: loss)
            let norm = GradientClipping.clip(graph.parameters, maxNorm: c.clip)
            #expect(abs(norm - meta.gradient_norms[step]) <= bound * meta.gradient_norms[step], "step \(step): norm \(norm)")
            let lr = schedule.rate(at: step)
            #expect(abs(lr - meta.learning_rates[step]) <= 1e-6 * meta.learning_rates[step], "step \(step): lr \(lr)")
            optimizer.update(lr: lr, pool: tape.pool)
            tape.reset()
        }
        let final = try Numpy.readFloat32(directory + "final.npy")
        for e in graph.parameters.entries {
            let error = relative(e.tensor.values, final[ranges[e.name]!])
            #expect(error <= bound, "\(e.name): weights after 10 steps, relative error \(error)")
        }
    }
}
