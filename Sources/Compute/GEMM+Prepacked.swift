/// op(B) packed once for many multiplies: a layer's weight matrix used by every forward call.
/// The packed layout depends only on k and n (slabs and k-blocks are decided by them), so one
/// packing serves any m and any pool, and results are bit-identical to `GEMM.multiply` with B.
public final class GEMMPackedB: @unchecked Sendable {
    public let k: Int
    public let n: Int
    let storage: UnsafeMutablePointer<Float>
    /// (start column, width, offset in storage) per slab.
    let slabs: [(start: Int, width: Int, offset: Int)]

    /// Packs op(B) (k×n): B stored k×n (row stride ldb) or, when transposeB, n×k.
    public init(k: Int, n: Int, b: UnsafePointer<Float>, ldb: Int, transposeB: Bool) {
        precondition(k > 0 && n > 0, "GEMMPackedB: empty matrix")
        precondition(ldb >= (transposeB ? k : n), "GEMMPackedB: ldb \(ldb) too small")
        self.k = k
        self.n = n
        let plan = GEMM.Blocking(m: 1, n: n, k: k, threads: 1)
        var list = [(start: Int, width: Int, offset: Int)](), total = 0, start = 0
        while start < n {
            let width = min(plan.slabWidth, n - start)
            list.append((start, width, total))
            total += k * GEMM.roundUp(width, to: GEMM.nr)
            start += width
        }
        slabs = list
        storage = .allocate(capacity: total)
        let op = GEMM.Operands(a: b, lda: 1, transposeA: false, b: b, ldb: ldb, transposeB: transposeB,
                               c: storage, ldc: 1, alpha: 1, accumulate: false)
        for s in list {
            let slab = GEMM.Slab(start: s.start, width: s.width, packed: storage + s.offset)
            for p in 0..<plan.kBlocks {
                let k0 = plan.kStart(p), kc = plan.kStart(p + 1) - k0
                GEMM.packB(op, k0: k0, kc: kc, j0: s.start, cols: s.width, into: slab.block(k0: k0))
            }
        }
    }

    deinit { storage.deallocate() }
}

extension GEMM {
    /// C (m×n) = alpha · op(A) · B + (accumulate ? C : 0) with B packed beforehand; the same
    /// bits as `multiply` with the unpacked B.
    public static func multiply(m: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
                                packedB: GEMMPackedB, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false,
                                pool: ThreadPool?) {
        precondition(k == packedB.k, "GEMM: k \(k) differs from the packed B's \(packedB.k)")
        let n = packedB.n
        checkShape(m: m, n: n, k: k, lda: lda, transposeA: transposeA, ldb: n, transposeB: false, ldc: ldc)
        if m == 0 { return }
        let op = Operands(a: a, lda: lda, transposeA: transposeA, b: packedB.storage, ldb: n, transposeB: false,
                          c: c, ldc: ldc, alpha: alpha, accumulate: accumulate)
        let plan = Blocking(m: m, n: n, k: k, threads: pool?.threadCount ?? 1)
        for s in packedB.slabs {
            multiplySlab(op, plan, Slab(start: s.start, width: s.width, packed: packedB.storage + s.offset), m: m, pool: pool)
        }
    }
}
