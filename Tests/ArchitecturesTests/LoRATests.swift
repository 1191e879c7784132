import Architectures
import Autodiff
import Compute
import Testing

/// LoRA on the training graph: only adapters train, a fresh adapter changes nothing, merging
/// gives the adapted model's logits.
@Suite struct LoRATests {
    let config = DecoderConfig.llama(vocabulary: 40, context: 16, layers: 2, heads: 4, kvHeads: 2, width: 32, feedForward: 48)
    let tokens: [Int32] = [1, 5, 9, 2, 33, 7, 7, 12, 3, 0, 39, 8]

    func logits(_ graph: DecoderGraph) -> [Float] {
        let tape = Tape(pool: ThreadPool(threadCount: 2))
        tape.isRecording = false
        return graph.logits(tape, tokens: tokens, batch: 2).values
    }

    @Test func onlyAdaptersTrainAndMergeKeepsLogits() throws {
        let graph = try DecoderGraph(config: config, seed: 5)
        let base = graph.parameters.entries.map { $0.tensor.values }
        let before = logits(graph)
        let trainable = try graph.addAdapters(targets: ["q_proj", "v_proj"], rank: 4, alpha: 8, dropout: 0.1, seed: 6)
        #expect(logits(graph) == before, "B starts at zero: a fresh adapter leaves the model as it was")
        // r·(in + out) per adapted matrix: q is 32×32, v is 16×32 (2 KV heads of 8), 2 layers.
        #expect(trainable.trainableCount == 2 * (4 * (32 + 32) + 4 * (32 + 16)))
        #expect(graph.parameters.trainableCount == 0, "the base is frozen")
        let tape = Tape(pool: ThreadPool(threadCount: 2))
        let optimizer = AdamW(trainable)
        var losses: [Float] = []
        for step in 0..<15 {
            trainable.zeroGradients()
            graph.dropoutSeed = UInt64(step)
            let loss = graph.loss(tape, tokens: tokens, targets: Array(tokens.dropFirst()) + [0], batch: 2)
            losses.append(loss.values[0])
            tape.backward(from: loss)
            optimizer.update(lr: 1e-2, pool: tape.pool)
            tape.reset()
        }
        #expect(losses.last! < losses.first!, "the adapters learn: \(losses)")
        #expect(graph.parameters.entries.map { $0.tensor.values } == base, "base weights never change")
        let adapted = logits(graph)
        #expect(adapted != before)
        graph.mergeAdapters(pool: ThreadPool(threadCount: 2))
        let merged = logits(graph)
        let scale = adapted.map { abs($0) }.max()!
        let worst = zip(merged, adapted).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-5 * scale, "merged vs adapter-on: max |Δ| \(worst) of \(scale)")
    }

    @Test func unknownTargetIsAnError() throws {
        let graph = try DecoderGraph(config: config, seed: 5)
        #expect(throws: ArchitectureError.self) { try graph.addAdapters(targets: ["w_nope"], rank: 2, alpha: 4, seed: 1) }
        // GPT-2-style module names on a Llama-style model match nothing there.
        #expect(throws: ArchitectureError.self) { try graph.addAdapters(targets: ["c_attn"], rank: 2, alpha: 4, seed: 1) }
    }
}
