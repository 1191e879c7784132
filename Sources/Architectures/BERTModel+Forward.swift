import Compute

extension BERTModel {
    /// The last hidden states of a batch of sequences, packed: the rows of sequence n are
    /// `offsets[n] ..< offsets[n + 1]` of `hidden` ((Σ L, H) row-major). No padding: the
    /// linear layers run once over all tokens of the batch, attention per sequence and head.
    public struct PackedOutput: Sendable {
        /// (Σ L, H) row-major.
        public let hidden: [Float]
        /// Row offset of each sequence, plus the total at the end.
        public let offsets: [Int]
    }

    /// Runs the encoder over `sequences` (token ids, each at most `config.maxPositions` long)
    /// on `pool` (nil: the calling thread). Every token attends to every token of its own
    /// sequence, which is exactly what HF's padding mask allows.
    public func forward(_ sequences: [[Int]], pool: ThreadPool? = .shared) throws(BERTError) -> PackedOutput {
        try validate(sequences)
        var offsets = [0]
        for s in sequences { offsets.append(offsets.last! + s.count) }
        let t = offsets.last!, h = config.hiddenSize
        var x = [Float](repeating: 0, count: t * h)
        if t == 0 { return PackedOutput(hidden: x, offsets: offsets) }
        let scratch = Scratch(tokens: t, config: config)
        defer { scratch.deallocate() }
        x.withUnsafeMutableBufferPointer { xb in
            let xp = xb.baseAddress!
            embed(sequences, offsets: offsets, into: xp, pool: pool)
            for layer in layers { run(layer, x: xp, offsets: offsets, scratch: scratch, pool: pool) }
        }
        return PackedOutput(hidden: x, offsets: offsets)
    }

    /// Working buffers of one forward pass.
    struct Scratch {
        let qkv, context, projected, inner: UnsafeMutablePointer<Float>
        init(tokens t: Int, config c: BERTConfig) {
            qkv = .allocate(capacity: t * 3 * c.hiddenSize)
            context = .allocate(capacity: t * c.hiddenSize)
            projected = .allocate(capacity: t * c.hiddenSize)
            inner = .allocate(capacity: t * c.intermediateSize)
        }
        func deallocate() { qkv.deallocate(); context.deallocate(); projected.deallocate(); inner.deallocate() }
    }

    /// x (T, H) = LayerNorm(word[id] + position[t] + type[0]) for each token.
    func embed(_ sequences: [[Int]], offsets: [Int], into x: UnsafeMutablePointer<Float>, pool: ThreadPool?) {
        let h = config.hiddenSize, eps = config.layerNormEpsilon
        wordEmbeddings.withUnsafeBufferPointer { word in
        positionEmbeddings.withUnsafeBufferPointer { position in
        typeEmbedding.withUnsafeBufferPointer { type in
        embeddingNormWeight.withUnsafeBufferPointer { nw in
        embeddingNormBias.withUnsafeBufferPointer { nb in
            Self.each(sequences.count, pool) { n in
                for (p, id) in sequences[n].enumerated() {
                    let row = x + (offsets[n] + p) * h
                    for c in 0..<h { row[c] = word[id * h + c] + position[p * h + c] + type[c] }
                    Kernels.layerNorm(row, weight: nw.baseAddress, bias: nb.baseAddress, eps: eps, out: row, h)
                }
            }
        }}}}}
    }

    /// One post-LN encoder layer in place on x (T, H).
    func run(_ layer: Layer, x: UnsafeMutablePointer<Float>, offsets: [Int], scratch s: Scratch, pool: ThreadPool?) {
        let h = config.hiddenSize, i = config.intermediateSize, t = offsets.last!
        Self.linear(x, layer.qkvPacked, layer.qkvBias, rows: t, inputs: h, outputs: 3 * h, out: s.qkv, pool: pool)
        attention(qkv: s.qkv, offsets: offsets, out: s.context, pool: pool)
        Self.linear(s.context, layer.attentionOutPacked, layer.attentionOutBias, rows: t, inputs: h, outputs: h,
                    out: s.projected, pool: pool)
        addAndNorm(s.projected, into: x, layer.attentionNormWeight, layer.attentionNormBias, rows: t, pool: pool)
        Self.linear(x, layer.intermediatePacked, layer.intermediateBias, rows: t, inputs: h, outputs: i, out: s.inner, pool: pool)
        let inner = s.inner
        Self.each((t + 15) / 16, pool) { chunk in
            let from = chunk * 16
            Self.gelu(inner + from * i, (min(t, from + 16) - from) * i)
        }
        Self.linear(s.inner, layer.outputPacked, layer.outputBias, rows: t, inputs: i, outputs: h, out: s.projected, pool: pool)
        addAndNorm(s.projected, into: x, layer.outputNormWeight, layer.outputNormBias, rows: t, pool: pool)
    }

    /// Scaled dot-product attention per (sequence, head). qkv: (T, 3H) as [q | k | v]; out: (T, H).
    func attention(qkv: UnsafeMutablePointer<Float>, offsets: [Int], out: UnsafeMutablePointer<Float>, pool: ThreadPool?) {
        let h = config.hiddenSize, d = config.headSize, heads = config.headCount
        let scale = 1 / Float(d).squareRoot()
        Self.each((offsets.count - 1) * heads, pool) { job in
            let n = job / heads, head = job % heads
            let o = offsets[n], l = offsets[n + 1] - o
            if l == 0 { return }
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: l * l)
            defer { scores.deallocate() }
            let base = qkv + o * 3 * h + head * d
            // scores (L, L) = scale · Q_head (L, d) · K_headᵀ
            GEMM.multiply(m: l, n: l, k: d, alpha: scale, a: base, lda: 3 * h, b: base + h, ldb: 3 * h, transposeB: true,
                          c: scores, ldc: l, pool: nil)
            for r in 0..<l { Kernels.softmax(scores + r * l, l) }
            // out (L, d) = P (L, L) · V_head (L, d)
            GEMM.multiply(m: l, n: d, k: l, a: scores, lda: l, b: base + 2 * h, ldb: 3 * h,
                          c: out + o * h + head * d, ldc: h, pool: nil)
        }
    }

    /// x = LayerNorm(x + y) row by row. x, y: (rows, H).
    func addAndNorm(_ y: UnsafeMutablePointer<Float>, into x: UnsafeMutablePointer<Float>, _ w: [Float], _ b: [Float],
                    rows: Int, pool: ThreadPool?) {
        let h = config.hiddenSize, eps = config.layerNormEpsilon
        w.withUnsafeBufferPointer { wb in
        b.withUnsafeBufferPointer { bb in
            Self.each((rows + 15) / 16, pool) { chunk in
                for r in chunk * 16 ..< min(rows, chunk * 16 + 16) {
                    Kernels.add(x + r * h, into: y + r * h, h)
                    Kernels.layerNorm(y + r * h, weight: wb.baseAddress, bias: bb.baseAddress, eps: eps, out: x + r * h, h)
                }
            }
        }}
    }

    /// out (rows, outputs) = x (rows, inputs) · Wᵀ + b, with Wᵀ packed at load (W stored (outputs, inputs)).
    static func linear(_ x: UnsafeMutablePointer<Float>, _ w: GEMMPackedB, _ b: [Float], rows: Int, inputs: Int, outputs: Int,
                       out: UnsafeMutablePointer<Float>, pool: ThreadPool?) {
        precondition(w.k == inputs && w.n == outputs, "BERT linear: packed weight is \(w.k)×\(w.n), expected \(inputs)×\(outputs)")
        GEMM.multiply(m: rows, k: inputs, a: x, lda: inputs, packedB: w, c: out, ldc: outputs, pool: pool)
        b.withUnsafeBufferPointer { bb in
            for r in 0..<rows { Kernels.add(bb.baseAddress!, into: out + r * outputs, outputs) }
        }
    }

    /// body(0 ..< count) on the pool, or in order on the calling thread.
    static func each(_ count: Int, _ pool: ThreadPool?, _ body: (Int) -> Void) {
        if let pool, count > 1 { pool.parallelFor(count, body) } else { for j in 0..<count { body(j) } }
    }
}
