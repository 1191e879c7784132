import Foundation
import Compute
import ModelFiles

/// Deterministic pseudo-random numbers for tests (SplitMix64): the one generator every test
/// target uses, also as a `RandomNumberGenerator` for the standard library's `random(in:using:)`.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in `range`, 24 bits of resolution.
    public mutating func float(_ range: ClosedRange<Float> = -1...1) -> Float {
        range.lowerBound + Float(next() >> 40) / Float(1 << 24) * (range.upperBound - range.lowerBound)
    }
    public mutating func floats(_ n: Int, _ range: ClosedRange<Float> = -1...1) -> [Float] { (0..<n).map { _ in float(range) } }
    /// Uniform in 0..<bound.
    public mutating func int(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// Small but complete GGUF models for tests: real metadata keys, a byte-level BPE vocabulary
/// (the 256 GPT-2 byte symbols, a few merges and ChatML specials) and random F32 weights.
public enum TinyModel {
    /// GPT-2's printable stand-ins for the 256 byte values (byte-level BPE's base alphabet).
    public static let byteSymbols: [String] = {
        var printable = Array(33...126) + Array(161...172) + Array(174...255)
        var map = [Int: Int]()
        for b in printable { map[b] = b }
        var n = 0
        for b in 0..<256 where map[b] == nil { map[b] = 256 + n; n += 1 }
        printable.removeAll()
        return (0..<256).map { String(UnicodeScalar(UInt32(map[$0]!))!) }
    }()

    /// A llama-architecture model (or qwen2 with `qkvBias`) with `layers` blocks.
    public static func llama(architecture: String = "llama", layers: Int = 2, embedding: Int = 64, ffn: Int = 128,
                             heads: Int = 4, kvHeads: Int = 2, contextLength: Int = 128, seed: UInt64 = 1,
                             chatTemplate: String? = nil) -> GGUFWriter {
        var rng = SplitMix64(seed: seed)
        var w = GGUFWriter()
        let a = architecture
        w.set("general.architecture", .string(a))
        w.set("general.name", .string("tiny-\(a)"))
        w.set("\(a).block_count", .uint32(UInt32(layers)))
        w.set("\(a).context_length", .uint32(UInt32(contextLength)))
        w.set("\(a).embedding_length", .uint32(UInt32(embedding)))
        w.set("\(a).feed_forward_length", .uint32(UInt32(ffn)))
        w.set("\(a).attention.head_count", .uint32(UInt32(heads)))
        w.set("\(a).attention.head_count_kv", .uint32(UInt32(kvHeads)))
        w.set("\(a).rope.freq_base", .float32(10_000))
        w.set("\(a).attention.layer_norm_rms_epsilon", .float32(1e-5))
        let merges = ["Ġ t", "Ġ a", "h e", "i n", "Ġt he"]
        var tokens = byteSymbols + merges.map { $0.replacingOccurrences(" ", "") }
        var types = [Int32](repeating: 1, count: tokens.count)
        tokens += ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
        types += [3, 3, 3]
        let vocab = tokens.count
        w.set("tokenizer.ggml.model", .string("gpt2"))
        w.set("tokenizer.ggml.pre", .string("smollm"))
        w.set("tokenizer.ggml.tokens", .array(.string(tokens)))
        w.set("tokenizer.ggml.token_type", .array(.int32(types)))
        w.set("tokenizer.ggml.merges", .array(.string(merges)))
        w.set("tokenizer.ggml.bos_token_id", .uint32(UInt32(vocab - 2)))
        w.set("tokenizer.ggml.eos_token_id", .uint32(UInt32(vocab - 1)))
        w.set("tokenizer.ggml.add_bos_token", .bool(false))
        if let chatTemplate { w.set("tokenizer.chat_template", .string(chatTemplate)) }

        func f32(_ name: String, _ shape: [Int], scale: Float = 0.2) {
            let n = shape.reduce(1, *)
            let values = rng.floats(n, -scale...scale)
            w.add(.init(name: name, shape: shape, type: .f32, data: values.withUnsafeBytes { Array($0) }))
        }
        func ones(_ name: String, _ n: Int) {
            let values = (0..<n).map { _ in 1 + rng.float(-0.1...0.1) }
            w.add(.init(name: name, shape: [n], type: .f32, data: values.withUnsafeBytes { Array($0) }))
        }
        let headDim = embedding / heads
        f32("token_embd.weight", [embedding, vocab], scale: 1)
        ones("output_norm.weight", embedding)
        for l in 0..<layers {
            ones("blk.\(l).attn_norm.weight", embedding)
            f32("blk.\(l).attn_q.weight", [embedding, heads * headDim])
            f32("blk.\(l).attn_k.weight", [embedding, kvHeads * headDim])
            f32("blk.\(l).attn_v.weight", [embedding, kvHeads * headDim])
            if a == "qwen2" {
                f32("blk.\(l).attn_q.bias", [heads * headDim])
                f32("blk.\(l).attn_k.bias", [kvHeads * headDim])
                f32("blk.\(l).attn_v.bias", [kvHeads * headDim])
            }
            f32("blk.\(l).attn_output.weight", [heads * headDim, embedding])
            ones("blk.\(l).ffn_norm.weight", embedding)
            f32("blk.\(l).ffn_gate.weight", [embedding, ffn])
            f32("blk.\(l).ffn_up.weight", [embedding, ffn])
            f32("blk.\(l).ffn_down.weight", [ffn, embedding])
        }
        return w
    }
}

extension String {
    /// Foundation-free `replacingOccurrences` for test data.
    public func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

/// A temporary file path unique to this process and call (tests run in parallel: the counter is
/// taken under a lock; an unlocked one once gave two tests the same folder).
public func temporaryPath(_ name: String) -> String {
    let dir = (TestEnvironment.value("TMPDIR") ?? "/tmp")
    return "\(dir)/tern-test-\(TestEnvironment.processID)-\(TemporaryCounter.take())-\(name)"
}

enum TemporaryCounter {
    nonisolated(unsafe) static var next = 0
    static let lock = NSLock()
    static func take() -> Int {
        lock.lock()
        defer { lock.unlock() }
        next += 1
        return next
    }
}
