import Compute

/// Which positions of a forward pass produce logits.
public enum LogitSelection: Sendable {
    /// Only the last token (generation).
    case last
    /// Every token (scoring, perplexity).
    case all
    /// None (prefill of a prefix whose logits nobody needs).
    case none
}

/// Errors of a forward pass.
public enum ForwardError: Error, CustomStringConvertible, Equatable {
    case contextExceeded(needed: Int, limit: Int)
    case tokenOutOfRange(token: Int, vocabularySize: Int)
    case logitsBufferTooSmall(needed: Int, available: Int)

    public var description: String {
        switch self {
        case let .contextExceeded(needed, limit):
            return "the sequence needs \(needed) positions but the context holds \(limit)"
        case let .tokenOutOfRange(token, vocab): return "token id \(token) is outside the vocabulary (0..<\(vocab))"
        case let .logitsBufferTooSmall(needed, available): return "logits need \(needed) floats, buffer has \(available)"
        }
    }
}

extension DecoderModel {
    /// Tokens processed per internal batch: bounds scratch memory, keeps activations in L2.
    public static let microBatch = 256

    /// Runs `tokens` at the positions after those already in `cache`, appends their keys and
    /// values to it, and writes logits for `selection` into `logits`
    /// (`.last`: (vocabulary); `.all`: (tokens, vocabulary)).
    public func forward(_ tokens: [Int], cache: KVCache, selection: LogitSelection = .last,
                        logits: FloatBuffer?, pool: ThreadPool = .shared) throws(ForwardError) {
        let c = config
        guard !tokens.isEmpty else { return }
        if let bad = tokens.first(where: { $0 < 0 || $0 >= c.vocabularySize }) {
            throw .tokenOutOfRange(token: bad, vocabularySize: c.vocabularySize)
        }
        guard cache.count + tokens.count <= cache.maxPositions else {
            throw .contextExceeded(needed: cache.count + tokens.count, limit: cache.maxPositions)
        }
        let needed = selection == .all ? tokens.count * c.vocabularySize : selection == .last ? c.vocabularySize : 0
        if needed > 0 {
            guard let logits, logits.count >= needed else {
                throw .logitsBufferTooSmall(needed: needed, available: logits?.count ?? 0)
            }
        }
        cache.reserve(cache.count + tokens.count)
        scratch.withLock { slot in
            let batch = min(tokens.count, Self.microBatch)
            if slot == nil || slot!.tokens < batch { slot = ForwardScratch(config: c, tokens: max(batch, slot?.tokens ?? 0)) }
            let s = slot!
            var done = 0
            while done < tokens.count {
                let n = min(Self.microBatch, tokens.count - done)
                let chunk = Array(tokens[done..<done + n])
                let isLast = done + n == tokens.count
                var rows: Range<Int>? = nil
                var logitsOut: UnsafeMutablePointer<Float>? = nil
                switch selection {
                case .all: rows = 0..<n; logitsOut = logits!.pointer + done * c.vocabularySize
                case .last where isLast: rows = (n - 1)..<n; logitsOut = logits!.pointer
                default: break
                }
                forwardBatch(chunk, cache: cache, scratch: s, logitRows: rows, logits: logitsOut, pool: pool)
                done += n
            }
        }
    }

    /// One micro-batch: x = embed(tokens); every block; the LM head on `logitRows`.
    func forwardBatch(_ tokens: [Int], cache: KVCache, scratch s: ForwardScratch, logitRows: Range<Int>?,
                      logits: UnsafeMutablePointer<Float>?, pool: ThreadPool) {
        let c = config
        let n = tokens.count, d = c.embeddingLength
        let start = cache.count
        for (t, id) in tokens.enumerated() {
            Quant.dequantizeRow(tokenEmbedding.type, tokenEmbedding.row(id), count: d, into: s.x.pointer + t * d)
            if let scale = c.embeddingScale { Kernels.scale(s.x.pointer + t * d, by: scale, d) }
        }
        let ropeGlobal = RoPE(mode: c.ropeMode, dimensions: c.ropeDimensions, base: c.ropeBase)
        let ropeLocal = RoPE(mode: c.ropeMode, dimensions: c.ropeDimensions, base: c.localRopeBase ?? c.ropeBase)
        for t in 0..<n {
            ropeGlobal.table(position: start + t, into: s.ropeGlobal.pointer + t * c.ropeDimensions)
            if c.localRopeBase != nil { ropeLocal.table(position: start + t, into: s.ropeLocal.pointer + t * c.ropeDimensions) }
        }
        for (l, layer) in layers.enumerated() {
            attentionBlock(layer, index: l, tokens: n, start: start, cache: cache, scratch: s, pool: pool)
            feedForwardBlock(layer, tokens: n, scratch: s, pool: pool)
        }
        cache.count = start + n
        guard let rows = logitRows, let logits else { return }
        normalize(s.x.pointer + rows.lowerBound * d, weight: outputNorm, tokens: rows.count, into: s.h.pointer)
        s.input.set(s.h.pointer, tokens: rows.count, columns: d)
        Matmul.multiply(output, s.input, into: logits, pool: pool)
    }

    /// x += o(attention(rope(q), rope(k), v)) with the block's norms; appends K, V to the cache.
    func attentionBlock(_ layer: DecoderLayer, index l: Int, tokens n: Int, start: Int, cache: KVCache,
                        scratch s: ForwardScratch, pool: ThreadPool) {
        let c = config
        let d = c.embeddingLength, hd = c.headDimension
        normalize(s.x.pointer, weight: layer.attentionNorm, tokens: n, into: s.h.pointer)
        s.input.set(s.h.pointer, tokens: n, columns: d)
        Matmul.multiply(layer.query, s.input, into: s.q.pointer, pool: pool)
        Matmul.multiply(layer.key, s.input, into: s.k.pointer, pool: pool)
        Matmul.multiply(layer.value, s.input, into: s.v.pointer, pool: pool)
        let sliding = c.slidingLayers[l]
        let table = sliding && c.localRopeBase != nil ? s.ropeLocal.pointer : s.ropeGlobal.pointer
        let rope = RoPE(mode: c.ropeMode, dimensions: c.ropeDimensions,
                        base: sliding ? (c.localRopeBase ?? c.ropeBase) : c.ropeBase)
        let keys = cache.keys(l), values = cache.values(l)
        for t in 0..<n {
            let q = s.q.pointer + t * c.queryWidth, k = s.k.pointer + t * c.kvWidth, v = s.v.pointer + t * c.kvWidth
            if let b = layer.queryBias { Kernels.add(b, into: q, c.queryWidth) }
            if let b = layer.keyBias { Kernels.add(b, into: k, c.kvWidth) }
            if let b = layer.valueBias { Kernels.add(b, into: v, c.kvWidth) }
            if let qn = layer.queryNorm, let kn = layer.keyNorm {
                for h in 0..<c.headCount { Kernels.rmsNorm(q + h * hd, weight: qn, eps: c.rmsNormEpsilon, out: q + h * hd, hd) }
                for h in 0..<c.kvHeadCount { Kernels.rmsNorm(k + h * hd, weight: kn, eps: c.rmsNormEpsilon, out: k + h * hd, hd) }
            }
            rope.apply(q, heads: c.headCount, headDim: hd, table: table + t * c.ropeDimensions)
            rope.apply(k, heads: c.kvHeadCount, headDim: hd, table: table + t * c.ropeDimensions)
            (keys + (start + t) * c.kvWidth).update(from: k, count: c.kvWidth)
            (values + (start + t) * c.kvWidth).update(from: v, count: c.kvWidth)
        }
        Kernels.causalAttention(q: s.q.pointer, keys: keys, values: values, tokens: n, start: start,
                                queryHeads: c.headCount, kvHeads: c.kvHeadCount, headDim: hd,
                                scale: c.attentionScale, window: sliding ? c.slidingWindow : nil,
                                out: s.attention.pointer, pool: pool)
        s.input.set(s.attention.pointer, tokens: n, columns: c.queryWidth)
        Matmul.multiply(layer.attentionOutput, s.input, into: s.projected.pointer, pool: pool)
        residual(s, tokens: n, postNorm: layer.postAttentionNorm)
    }

    /// x += down(act(gate(h)) · up(h)), h = norm(x), with the optional post-FFN norm.
    func feedForwardBlock(_ layer: DecoderLayer, tokens n: Int, scratch s: ForwardScratch, pool: ThreadPool) {
        let c = config
        let d = c.embeddingLength, ff = c.feedForwardLength
        normalize(s.x.pointer, weight: layer.ffnNorm, tokens: n, into: s.h.pointer)
        s.input.set(s.h.pointer, tokens: n, columns: d)
        Matmul.multiply(layer.gate, s.input, into: s.gate.pointer, pool: pool)
        Matmul.multiply(layer.up, s.input, into: s.up.pointer, pool: pool)
        switch c.activation {
        case .silu: Kernels.swiGLU(gate: s.gate.pointer, up: s.up.pointer, n * ff)
        case .geluTanh: Kernels.gegLU(gate: s.gate.pointer, up: s.up.pointer, n * ff)
        }
        s.input.set(s.gate.pointer, tokens: n, columns: ff)
        Matmul.multiply(layer.down, s.input, into: s.projected.pointer, pool: pool)
        residual(s, tokens: n, postNorm: layer.postFFNNorm)
    }

    /// x += norm(projected) (or projected without a post-norm).
    func residual(_ s: ForwardScratch, tokens n: Int, postNorm: [Float]?) {
        let d = config.embeddingLength
        if let w = postNorm { normalize(s.projected.pointer, weight: w, tokens: n, into: s.projected.pointer) }
        Kernels.add(s.projected.pointer, into: s.x.pointer, n * d)
    }

    /// RMSNorm of `tokens` rows of the residual width. x, out: (tokens, embedding); may alias.
    func normalize(_ x: UnsafePointer<Float>, weight: [Float], tokens: Int, into out: UnsafeMutablePointer<Float>) {
        let d = config.embeddingLength
        for t in 0..<tokens {
            Kernels.rmsNorm(x + t * d, weight: weight, eps: config.rmsNormEpsilon, out: out + t * d, d)
        }
    }
}
