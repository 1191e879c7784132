import Compute

/// Heads inside the rows of a tensor: head h of a row is `width` columns at `offset + h·headDim`
/// (a fused QKV projection is three views of one tensor).
public struct HeadView {
    public let tensor: Tensor
    public let offset: Int
    public init(_ tensor: Tensor, offset: Int = 0) { self.tensor = tensor; self.offset = offset }
}

extension Tape {
    /// Query rows per block of the causal attention: a block's rows attend to keys up to its
    /// last row only, so the products skip most of the masked triangle (≈ 5/8 of the full work at T = 256).
    static let attentionBlock = 64

    /// Causal multi-head attention with grouped KV heads, over `batch` sequences of T = rows / batch
    /// tokens each: out_h = softmax(scale·Q_h·K_gᵀ + causal mask)·V_g, g = h / (heads / kvHeads).
    /// query rows: (batch·T, ≥ offset + heads·headDim); key, value likewise with kvHeads
    /// → (batch·T, heads·headDim). The probabilities (batch, heads, T, T) are kept for backward.
    public func causalAttention(query: HeadView, key: HeadView, value: HeadView, batch: Int,
                                heads: Int, kvHeads: Int, headDim hd: Int, scale: Float) -> Tensor {
        let rows = query.tensor.rows, t = rows / batch, group = heads / kvHeads
        precondition(rows == batch * t && key.tensor.rows == rows && value.tensor.rows == rows,
                     "attention: \(rows) query rows for batch \(batch)")
        precondition(heads % kvHeads == 0, "attention: \(heads) heads for \(kvHeads) KV heads")
        precondition(query.offset + heads * hd <= query.tensor.width && key.offset + kvHeads * hd <= key.tensor.width
                     && value.offset + kvHeads * hd <= value.tensor.width, "attention: heads exceed the row width")
        let out = tensor([rows, heads * hd], from: [query.tensor, key.tensor, value.tensor])
        let probabilities = tensor([batch * heads, t, t], from: [])
        let q = Strided(query, rows: t, hd: hd), k = Strided(key, rows: t, hd: hd), v = Strided(value, rows: t, hd: hd)
        let o = out.value.pointer, ldo = heads * hd, p = probabilities.value.pointer
        pool.parallelFor(batch * kvHeads) { chunk in
            let b = chunk / kvHeads, g = chunk % kvHeads
            for h in g * group ..< (g + 1) * group {
                let ph = p + (b * heads + h) * t * t
                // Query rows in blocks: rows i0..<i1 see keys 0..<i1 only (the causal triangle).
                for i0 in stride(from: 0, to: t, by: Self.attentionBlock) {
                    let i1 = min(t, i0 + Self.attentionBlock), rows = i1 - i0
                    GEMM.multiply(m: rows, n: i1, k: hd, alpha: scale, a: q.head(b, h) + i0 * q.ld, lda: q.ld,
                                  b: k.head(b, g), ldb: k.ld, transposeB: true, c: ph + i0 * t, ldc: t, pool: nil)
                    for i in i0..<i1 {
                        let row = ph + i * t
                        Kernels.softmax(row, i + 1)
                        (row + i + 1).update(repeating: 0, count: t - i - 1)
                    }
                    GEMM.multiply(m: rows, n: hd, k: i1, a: ph + i0 * t, lda: t, b: v.head(b, g), ldb: v.ld,
                                  c: o + (b * t + i0) * ldo + h * hd, ldc: ldo, pool: nil)
                }
            }
        }
        record(out) { [unowned self] in
            let dO = out.grad
            let dq = query.tensor.requiresGrad ? q.gradHead(query.tensor.grad) : nil
            let dk = key.tensor.requiresGrad ? k.gradHead(key.tensor.grad) : nil
            let dv = value.tensor.requiresGrad ? v.gradHead(value.tensor.grad) : nil
            let scratchAll = scratch(batch * kvHeads * t * t)
            pool.parallelFor(batch * kvHeads) { chunk in
                let b = chunk / kvHeads, g = chunk % kvHeads
                let ds = scratchAll + chunk * t * t
                for h in g * group ..< (g + 1) * group {
                    let ph = p + (b * heads + h) * t * t, dOh = dO + b * t * ldo + h * hd
                    // Query rows i0..<i1 touch keys and values 0..<i1 only.
                    for i0 in stride(from: 0, to: t, by: Self.attentionBlock) {
                        let i1 = min(t, i0 + Self.attentionBlock), rows = i1 - i0
                        let pb = ph + i0 * t, dOb = dOh + i0 * ldo, db = ds + i0 * t
                        if let dv {  // dV_g[0..<i1] += P[i0..<i1, 0..<i1]ᵀ · dO_h[i0..<i1]
                            GEMM.multiply(m: i1, n: hd, k: rows, a: pb, lda: t, transposeA: true, b: dOb, ldb: ldo,
                                          c: dv(b, g), ldc: v.ld, accumulate: true, pool: nil)
                        }
                        guard dq != nil || dk != nil else { continue }
                        // dP = dO_h · V_gᵀ, then dS = P ⊙ (dP − rowsum(P ⊙ dP)) over the causal part.
                        GEMM.multiply(m: rows, n: i1, k: hd, a: dOb, lda: ldo, b: v.head(b, g), ldb: v.ld, transposeB: true,
                                      c: db, ldc: t, pool: nil)
                        for i in i0..<i1 {
                            let pr = ph + i * t, dr = ds + i * t
                            let dot = Kernels.dot(pr, dr, i + 1)
                            for j in 0...i { dr[j] = pr[j] * (dr[j] - dot) }
                            (dr + i + 1).update(repeating: 0, count: i1 - i - 1)
                        }
                        if let dq {  // dQ_h[i0..<i1] += scale · dS[i0..<i1, 0..<i1] · K_g[0..<i1]
                            GEMM.multiply(m: rows, n: hd, k: i1, alpha: scale, a: db, lda: t, b: k.head(b, g), ldb: k.ld,
                                          c: dq(b, h) + i0 * q.ld, ldc: q.ld, accumulate: true, pool: nil)
                        }
                        if let dk {  // dK_g[0..<i1] += scale · dS[i0..<i1, 0..<i1]ᵀ · Q_h[i0..<i1]
                            GEMM.multiply(m: i1, n: hd, k: rows, alpha: scale, a: db, lda: t, transposeA: true,
                                          b: q.head(b, h) + i0 * q.ld, ldb: q.ld, c: dk(b, g), ldc: k.ld, accumulate: true, pool: nil)
                        }
                    }
                }
            }
        }
        return out
    }
}

/// Addressing of one head of one sequence inside a `HeadView`'s rows.
private struct Strided {
    let base: UnsafeMutablePointer<Float>
    let offset: Int, ld: Int, rows: Int, hd: Int
    init(_ view: HeadView, rows: Int, hd: Int) {
        base = view.tensor.value.pointer; offset = view.offset; ld = view.tensor.width
        self.rows = rows; self.hd = hd
    }
    /// Head `h` of sequence `b`: (rows, hd) with row stride `ld`.
    func head(_ b: Int, _ h: Int) -> UnsafeMutablePointer<Float> { base + b * rows * ld + offset + h * hd }
    /// The same addressing in a gradient buffer.
    func gradHead(_ grad: UnsafeMutablePointer<Float>) -> (Int, Int) -> UnsafeMutablePointer<Float> {
        let (ld, rows, offset, hd) = (ld, rows, offset, hd)
        return { b, h in grad + b * rows * ld + offset + h * hd }
    }
}
