import Architectures
import Autodiff
import Compute
import ModelFiles
import Testing
import TestSupport

/// The training graph computes what the inference forward computes: same weights (a GGUF file),
/// same tokens, same logits — Llama (RoPE on pairs, GQA) and Qwen2 (QKV biases, NeoX RoPE).
@Suite struct DecoderGraphTests {
    @Test(arguments: ["llama", "qwen2"])
    func logitsEqualTheInferenceForward(architecture: String) throws {
        let path = temporaryPath("graph-\(architecture).gguf")
        try TinyModel.llama(architecture: architecture, layers: 2, embedding: 64, ffn: 96, heads: 4, kvHeads: 2).write(to: path)
        let gguf = try GGUFFile(path: path)
        let model = try DecoderModel(gguf: gguf)
        let graph = try DecoderGraph(gguf: gguf)
        let tokens = [5, 200, 17, 42, 99, 3, 250, 7, 7, 120]
        let v = model.config.vocabularySize
        let expected = FloatBuffer(count: tokens.count * v)
        try model.forward(tokens, cache: model.makeCache(), selection: .all, logits: expected)
        let tape = Tape(pool: ThreadPool(threadCount: 2))
        tape.isRecording = false
        let logits = graph.logits(tape, tokens: tokens.map { Int32($0) }, batch: 1).values
        var worst: Float = 0, scale: Float = 0
        for i in 0..<logits.count {
            worst = max(worst, abs(logits[i] - expected[i]))
            scale = max(scale, abs(expected[i]))
        }
        // Same f32 weights; the orders of summation differ (blocked GEMM vs the inference tiles).
        #expect(worst <= 1e-4 * scale, "max |Δlogit| \(worst) of max |logit| \(scale)")
    }

    @Test func refusesGemma() throws {
        var c = DecoderConfig.llama(vocabulary: 10, context: 8, layers: 1, heads: 2, width: 8, feedForward: 16)
        c.hasPostNorms = true
        #expect(throws: ArchitectureError.self) { try DecoderGraph(config: c, seed: 1) }
    }

    @Test func gpt2StyleGraphBatchesIndependently() throws {
        // Two sequences in one batch give the logits each gives alone (no leakage across the batch).
        let c = DecoderConfig.gpt2(vocabulary: 50, context: 12, layers: 2, heads: 2, width: 16)
        let graph = try DecoderGraph(config: c, seed: 3)
        let a: [Int32] = [1, 2, 3, 4, 5, 6], b: [Int32] = [9, 8, 7, 6, 5, 4]
        let tape = Tape(pool: ThreadPool(threadCount: 2))
        tape.isRecording = false
        let both = graph.logits(tape, tokens: a + b, batch: 2).values
        let alone = graph.logits(tape, tokens: a, batch: 1).values + graph.logits(tape, tokens: b, batch: 1).values
        #expect(both == alone)
    }
}
