import Architectures
import Autodiff
import Compute
import Foundation
import TestSupport
import Training

/// Small seeded models of the three exportable families, with every kind of tensor holding
/// non-trivial values (norm weights ≠ 1, biases ≠ 0, LoRA B ≠ 0), so that a mistake in any name,
/// transpose or permutation shows in the logits.
enum ExportTestModels {
    static let cases = ["llama", "qwen2", "gpt2"]
    /// Tokens whose logits the fixtures hold (ids below every case's vocabulary).
    static let tokens: [Int32] = [1, 5, 9, 23, 42, 7, 77, 3, 15, 60, 2, 31]

    static func config(_ name: String) -> DecoderConfig {
        switch name {
        case "llama":  // grouped-query attention, untied LM head
            return .llama(vocabulary: 96, context: 32, layers: 2, heads: 4, kvHeads: 2, width: 64, feedForward: 96,
                          ropeBase: 10_000, tiedEmbeddings: false)
        case "qwen2":  // Q/K/V biases, RoPE on halves, tied
            var c = DecoderConfig.llama(vocabulary: 96, context: 32, layers: 2, heads: 4, kvHeads: 1, width: 64, feedForward: 128,
                                        ropeBase: 1_000_000, tiedEmbeddings: true, rmsNormEpsilon: 1e-6)
            c.architecture = "qwen2"
            c.ropeMode = .neox
            c.hasQKVBias = true
            return c
        default:  // biases everywhere, learned positions, tied
            return .gpt2(vocabulary: 96, context: 32, layers: 2, heads: 4, width: 64)
        }
    }

    /// The seeded graph of case `name`: matrices N(0, 0.1²), norm weights 1 + N(0, 0.1²), biases N(0, 0.05²).
    static func graph(_ name: String, seed: UInt64 = 20_261_201) throws -> DecoderGraph {
        var rng = SeededGenerator(seed: seed)
        return try DecoderGraph(config: config(name)) { tensorName, shape in
            let t = Tensor(zeros: shape, requiresGrad: true)
            if tensorName.hasSuffix(".bias") {
                t.fillNormal(std: 0.05, &rng)
            } else if shape.count == 1 {
                t.fillNormal(std: 0.1, &rng)
                for i in 0..<t.count { t.value[i] += 1 }
            } else {
                t.fillNormal(std: 0.1, &rng)
            }
            return t
        }
    }

    /// LoRA targets of each case (GGUF names, as `addAdapters` takes them).
    static func loraTargets(_ name: String) -> [String] {
        switch name {
        case "llama": return ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"]
        case "qwen2": return ["attn_q", "attn_k", "attn_v"]
        default: return ["attn_qkv", "attn_output", "ffn_up", "ffn_down"]
        }
    }

    /// The graph of `name` with rank-4 adapters (alpha 8, dropout 0.05) whose B is N(0, 0.05²).
    static func adaptedGraph(_ name: String) throws -> DecoderGraph {
        let g = try graph(name)
        try g.addAdapters(targets: loraTargets(name), rank: 4, alpha: 8, dropout: 0.05, seed: 99)
        var rng = SeededGenerator(seed: 1234)
        for key in g.adapters.keys.sorted() { g.adapters[key]!.b.fillNormal(std: 0.05, &rng) }
        return g
    }

    /// Logits of `tokens` (one sequence), (T, vocabulary) flattened; no dropout.
    static func logits(_ g: DecoderGraph, _ tokens: [Int32] = tokens) -> [Float] {
        let tape = Tape(pool: ThreadPool(threadCount: 2))
        tape.isRecording = false
        return g.logits(tape, tokens: tokens, batch: 1).values
    }

    /// max |a − b| / max |b|.
    static func relativeError(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "\(a.count) vs \(b.count) values")
        var worst: Float = 0, scale: Float = 0
        for i in 0..<a.count {
            worst = max(worst, abs(a[i] - b[i]))
            scale = max(scale, abs(b[i]))
        }
        return worst / max(scale, 1e-30)
    }

    /// A temporary path of its own (`temporaryPath`'s counter is not atomic under parallel tests).
    static func uniquePath(_ name: String) -> String { temporaryPath("\(UUID().uuidString.prefix(8))-\(name)") }

    /// A fresh empty temporary folder.
    static func temporaryFolder(_ name: String) throws -> String {
        let path = uniquePath(name)
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
