import Compute

/// Heads inside the rows of a tensor: head h of a row is `width` columns at `offset + h·headDim`
/// (a fused QKV projection is three views of one tensor).
public struct HeadView {
    public let tensor: Tensor
    public let offset: Int
    public init(_ tensor: Tensor, offset: Int = 0) { self.tensor = tensor; self.offset = offset }
}

extension Tape {
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
                GEMM.multiply(m: t, n: t, k: hd, alpha: scale, a: q.head(b, h), lda: q.ld, b: k.head(b, g), ldb: k.ld,
                              transposeB: true, c: ph, ldc: t, pool: nil)
                for i in 0..<t {
                    let row = ph + i * t
                    Kernels.softmax(row, i + 1)
                    (row + i + 1).update(repeating: 0, count: t - i - 1)
                }
                GEMM.multiply(m: t, n: hd, k: t, a: ph, lda: t, b: v.head(b, g), ldb: v.ld,
                              c: o + b * t * ldo + h * hd, ldc: ldo, pool: nil)
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
                    if let dv {  // dV_g += Pᵀ · dO_h
                        GEMM.multiply(m: t, n: hd, k: t, a: ph, lda: t, transposeA: true, b: dOh, ldb: ldo,
                                      c: dv(b, g), ldc: v.ld, accumulate: true, pool: nil)
                    }
                    guard dq != nil || dk != nil else { continue }
                    // dP = dO_h · V_gᵀ, then dS = P ⊙ (dP − rowsum(P ⊙ dP)) over the causal part.
                    GEMM.multiply(m: t, n: t, k: hd, a: dOh, lda: ldo, b: v.head(b, g), ldb: v.ld, transposeB: true,
                                  c: ds, ldc: t, pool: nil)
                    for i in 0..<t {
                        let pr = ph + i * t, dr = ds + i * t
                        let dot = Kernels.dot(pr, dr, i + 1)
                        for j in 0...i { dr[j] = pr[j] * (dr[j] - dot) }
                        (dr + i + 1).update(repeating: 0, count: t - i - 1)
                    }
                    if let dq {  // dQ_h += scale · dS · K_g
                        GEMM.multiply(m: t, n: hd, k: t, alpha: scale, a: ds, lda: t, b: k.head(b, g), ldb: k.ld,
                                      c: dq(b, h), ldc: q.ld, accumulate: true, pool: nil)
                    }
                    if let dk {  // dK_g += scale · dSᵀ · Q_h
                        GEMM.multiply(m: t, n: hd, k: t, alpha: scale, a: ds, lda: t, transposeA: true,
                                      b: q.head(b, h), ldb: q.ld, c: dk(b, g), ldc: k.ld, accumulate: true, pool: nil)
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
