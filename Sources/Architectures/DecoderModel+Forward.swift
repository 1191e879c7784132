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
    case pagesMissing(positions: Int, pageSize: Int, pages: Int)

    public var description: String {
        switch self {
        case let .contextExceeded(needed, limit):
            return "the sequence needs \(needed) positions but the context holds \(limit)"
        case let .tokenOutOfRange(token, vocab): return "token id \(token) is outside the vocabulary (0..<\(vocab))"
        case let .logitsBufferTooSmall(needed, available): return "logits need \(needed) floats, buffer has \(available)"
        case let .pagesMissing(positions, pageSize, pages):
            return "\(positions) positions need \((positions + pageSize - 1) / pageSize) KV pages of \(pageSize), the page table has \(pages) valid ones"
        }
    }
}

/// One sequence's part of a batched forward over a `PagedKVCache`.
public struct BatchSequence: Sendable {
    /// Tokens to run, at positions `start ..< start + tokens.count`.
    public var tokens: [Int]
    /// Positions whose keys and values are already in the sequence's pages.
    public var start: Int
    /// The sequence's pages in order: page i holds positions `i * pageSize ..< (i + 1) * pageSize`;
    /// must cover `start + tokens.count` positions.
    public var pages: [Int32]
    /// Which of these tokens produce logits.
    public var logits: LogitSelection

    public init(tokens: [Int], start: Int, pages: [Int32], logits: LogitSelection) {
        self.tokens = tokens; self.start = start; self.pages = pages; self.logits = logits
    }

    /// Rows of logits this sequence produces.
    public var logitRows: Int {
        switch logits {
        case .last: return tokens.isEmpty ? 0 : 1
        case .all: return tokens.count
        case .none: return 0
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
        try checkTokens(tokens)
        guard cache.count + tokens.count <= cache.maxPositions else {
            throw .contextExceeded(needed: cache.count + tokens.count, limit: cache.maxPositions)
        }
        let needed = selection == .all ? tokens.count * c.vocabularySize : selection == .last ? c.vocabularySize : 0
        try checkLogits(logits, needed: needed)
        cache.reserve(cache.count + tokens.count)
        withScratch(tokens: min(tokens.count, Self.microBatch)) { s in
            var done = 0
            while done < tokens.count {
                let n = min(Self.microBatch, tokens.count - done)
                let isLast = done + n == tokens.count
                var rows: [Int] = []
                var logitsOut: UnsafeMutablePointer<Float>? = nil
                switch selection {
                case .all: rows = Array(0..<n); logitsOut = logits!.pointer + done * c.vocabularySize
                case .last where isLast: rows = [n - 1]; logitsOut = logits!.pointer
                default: break
                }
                let start = cache.count
                let step = ForwardStep(tokens: Array(tokens[done..<done + n]), positions: Array(start..<start + n),
                                       sequences: [AttentionSequence(firstRow: 0, tokens: n, start: start, pageTable: 0)],
                                       pageTables: [0], logitRows: rows)
                run(step, storage: cache, scratch: s, logits: logitsOut, pool: pool)
                cache.count = start + n
                done += n
            }
        }
    }

    /// One step of continuous batching: every sequence of `batch` runs its tokens (a decode's one
    /// token, a prefill chunk) in one pass, so each weight matrix is read once for all of them.
    /// Keys and values go to the sequences' pages in `cache`; logits of the rows the sequences
    /// select are written to `logits` in batch order, (Σ logitRows, vocabulary).
    public func forward(batch: [BatchSequence], cache: PagedKVCache, logits: FloatBuffer?,
                        pool: ThreadPool = .shared) throws(ForwardError) {
        let c = config
        var tokens: [Int] = [], positions: [Int] = [], sequences: [AttentionSequence] = []
        var tables: [Int32] = [], rows: [Int] = []
        for entry in batch where !entry.tokens.isEmpty {
            try checkTokens(entry.tokens)
            let end = entry.start + entry.tokens.count
            guard end <= c.contextLength else { throw .contextExceeded(needed: end, limit: c.contextLength) }
            let needed = (end + cache.pageSize - 1) / cache.pageSize
            guard entry.pages.count >= needed, entry.pages.prefix(needed).allSatisfy({ $0 >= 0 && Int($0) < cache.pageCount }) else {
                throw .pagesMissing(positions: end, pageSize: cache.pageSize, pages: entry.pages.count)
            }
            let first = tokens.count
            sequences.append(AttentionSequence(firstRow: first, tokens: entry.tokens.count, start: entry.start,
                                               pageTable: tables.count))
            tables += entry.pages.prefix(needed)
            tokens += entry.tokens
            positions += entry.start..<end
            switch entry.logits {
            case .last: rows.append(tokens.count - 1)
            case .all: rows += first..<tokens.count
            case .none: break
            }
        }
        guard !tokens.isEmpty else { return }
        try checkLogits(logits, needed: rows.count * c.vocabularySize)
        let step = ForwardStep(tokens: tokens, positions: positions, sequences: sequences, pageTables: tables, logitRows: rows)
        withScratch(tokens: tokens.count) { s in
            run(step, storage: cache, scratch: s, logits: logits?.pointer, pool: pool)
        }
    }

    func checkTokens(_ tokens: [Int]) throws(ForwardError) {
        if let bad = tokens.first(where: { $0 < 0 || $0 >= config.vocabularySize }) {
            throw .tokenOutOfRange(token: bad, vocabularySize: config.vocabularySize)
        }
    }

    func checkLogits(_ logits: FloatBuffer?, needed: Int) throws(ForwardError) {
        guard needed > 0 else { return }
        guard let logits, logits.count >= needed else {
            throw .logitsBufferTooSmall(needed: needed, available: logits?.count ?? 0)
        }
    }

    /// Runs `body` with scratch for at least `tokens` tokens (forwards on one model serialize here).
    func withScratch(tokens: Int, _ body: (ForwardScratch) -> Void) {
        scratch.withLock { slot in
            if slot == nil || slot!.tokens < tokens { slot = ForwardScratch(config: config, tokens: max(tokens, slot?.tokens ?? 0)) }
            body(slot!)
        }
    }
}

/// What one pass computes: tokens of one or more sequences, where their keys and values go,
/// and which rows produce logits.
struct ForwardStep {
    let tokens: [Int]
    /// Position of each token in its sequence.
    let positions: [Int]
    let sequences: [AttentionSequence]
    /// Concatenated page tables (`AttentionSequence.pageTable` indexes into it).
    let pageTables: [Int32]
    /// Rows (indices into `tokens`) whose logits are wanted, in output order.
    let logitRows: [Int]

    /// Storage row (page × pageSize + offset) of each token's keys and values.
    func storageRows(pageSize: Int) -> [Int] {
        var out = [Int](repeating: 0, count: tokens.count)
        for s in sequences {
            for t in 0..<s.tokens {
                let position = s.start + t
                out[s.firstRow + t] = Int(pageTables[s.pageTable + position / pageSize]) * pageSize + position % pageSize
            }
        }
        return out
    }
}

extension DecoderModel {
    /// One pass: x = embed(tokens); every block; the LM head on `step.logitRows`.
    func run(_ step: ForwardStep, storage: KVStorage, scratch s: ForwardScratch,
             logits: UnsafeMutablePointer<Float>?, pool: ThreadPool) {
        let c = config
        let n = step.tokens.count, d = c.embeddingLength
        for (t, id) in step.tokens.enumerated() {
            Quant.dequantizeRow(tokenEmbedding.type, tokenEmbedding.row(id), count: d, into: s.x.pointer + t * d)
            if let scale = c.embeddingScale { Kernels.scale(s.x.pointer + t * d, by: scale, d) }
        }
        let ropeGlobal = RoPE(mode: c.ropeMode, dimensions: c.ropeDimensions, base: c.ropeBase)
        let ropeLocal = RoPE(mode: c.ropeMode, dimensions: c.ropeDimensions, base: c.localRopeBase ?? c.ropeBase)
        for (t, position) in step.positions.enumerated() {
            ropeGlobal.table(position: position, into: s.ropeGlobal.pointer + t * c.ropeDimensions)
            if c.localRopeBase != nil { ropeLocal.table(position: position, into: s.ropeLocal.pointer + t * c.ropeDimensions) }
        }
        let rows = step.storageRows(pageSize: storage.pageSize)
        step.pageTables.withUnsafeBufferPointer { tables in
            for (l, layer) in layers.enumerated() {
                attentionBlock(layer, index: l, step: step, storageRows: rows, pageTables: tables.baseAddress!,
                               storage: storage, scratch: s, pool: pool)
                feedForwardBlock(layer, tokens: n, scratch: s, pool: pool)
            }
        }
        guard !step.logitRows.isEmpty, let logits else { return }
        for (i, row) in step.logitRows.enumerated() {
            Kernels.rmsNorm(s.x.pointer + row * d, weight: outputNorm, eps: c.rmsNormEpsilon, out: s.h.pointer + i * d, d)
        }
        s.input.set(s.h.pointer, tokens: step.logitRows.count, columns: d)
        Matmul.multiply(output, s.input, into: logits, pool: pool)
    }

    /// x += o(attention(rope(q), rope(k), v)) with the block's norms; stores K, V in their pages.
    func attentionBlock(_ layer: DecoderLayer, index l: Int, step: ForwardStep, storageRows: [Int],
                        pageTables: UnsafePointer<Int32>, storage: KVStorage, scratch s: ForwardScratch,
                        pool: ThreadPool) {
        let c = config
        let n = step.tokens.count
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
        let keys = storage.keys(l), values = storage.values(l)
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
            (keys + storageRows[t] * c.kvWidth).update(from: k, count: c.kvWidth)
            (values + storageRows[t] * c.kvWidth).update(from: v, count: c.kvWidth)
        }
        Kernels.pagedCausalAttention(q: s.q.pointer, keys: keys, values: values, pageSize: storage.pageSize,
                                     pageTables: pageTables, sequences: step.sequences,
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
