/// Single-precision matrix multiply, C = alpha · op(A) · op(B) (+ C), row-major, for training:
/// the forward pass of a linear layer (A normal, B transposed: Y = X·Wᵀ with W stored (out, in)),
/// its input gradient (both normal: dX = dY·W) and its weight gradient (A transposed,
/// accumulating: dW += dYᵀ·X).
///
/// BLIS-style: blocks of op(A) and op(B) are packed from whichever layout into contiguous
/// micro-panels, and a 12×32 register-blocked micro-kernel (`GEMM+MicroKernel.swift`) sweeps
/// them; blocking in `GEMM+Blocking.swift`. `reference` is the plain triple loop it is tested
/// against.
public enum GEMM {
    /// C (m×n, row stride ldc) = alpha · op(A) · op(B) + (accumulate ? C : 0).
    /// op(A) is m×k: A is stored m×k (row stride lda) or, when transposeA, k×m. op(B) is k×n: B is stored
    /// k×n (ldb) or, when transposeB, n×k. Runs on `pool` when given (nil: the calling thread only).
    ///
    /// Each element of C is summed over k in an order that depends only on k, so results are
    /// bit-identical whatever the pool. C must not overlap A or B. With `accumulate` false, C is
    /// only written (it may hold NaN). Allocation-free once the calling threads have packing
    /// buffers of the size the shape needs; safe to call concurrently from several threads.
    public static func multiply(m: Int, n: Int, k: Int, alpha: Float = 1,
                                a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
                                b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
                                c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false,
                                pool: ThreadPool?) {
        checkShape(m: m, n: n, k: k, lda: lda, transposeA: transposeA, ldb: ldb, transposeB: transposeB, ldc: ldc)
        if m == 0 || n == 0 { return }
        if k == 0 {
            if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            return
        }
        let op = Operands(a: a, lda: lda, transposeA: transposeA, b: b, ldb: ldb, transposeB: transposeB,
                          c: c, ldc: ldc, alpha: alpha, accumulate: accumulate)
        let threads = pool?.threadCount ?? 1
        let plan = Blocking(m: m, n: n, k: k, threads: threads)
        var start = 0
        while start < n {
            let width = min(plan.slabWidth, n - start)
            let panels = (width + nr - 1) / nr
            let slab = Slab(start: start, width: width, packed: Scratch.current.packedB(count: k * panels * nr))
            // Pack the slab: every k-block of a group of micro-panels per chunk.
            let groupPanels = (panels + 2 * threads - 1) / (2 * threads)
            let groups = (panels + groupPanels - 1) / groupPanels
            run(groups, on: pool) { g in
                let j0 = g * groupPanels * nr
                for p in 0..<plan.kBlocks {
                    let k0 = plan.kStart(p), kc = plan.kStart(p + 1) - k0
                    packB(op, k0: k0, kc: kc, j0: start + j0, cols: min(groupPanels * nr, width - j0),
                          into: slab.block(k0: k0) + j0 * kc)
                }
            }
            multiplySlab(op, plan, slab, m: m, pool: pool)
            start += width
        }
    }

    /// Multiply: chunks of mc rows × partWidth columns of one packed slab.
    static func multiplySlab(_ op: Operands, _ plan: Blocking, _ slab: Slab, m: Int, pool: ThreadPool?) {
        let parts = (slab.width + plan.partWidth - 1) / plan.partWidth
        run(plan.mBlocks * parts, on: pool) { chunk in
            let i0 = chunk / parts * plan.mc, j0 = chunk % parts * plan.partWidth
            multiplyBlock(op, plan, slab, i0: i0, rows: min(plan.mc, m - i0),
                          j0: j0, cols: min(plan.partWidth, slab.width - j0))
        }
    }

    /// Rows i0 ..< i0+rows × slab columns j0 ..< j0+cols of C (j0 a multiple of `nr`), over all
    /// of k: per k-block, pack the A block into this thread's buffer, then one micro-kernel per
    /// 12×32 tile, B micro-panel outer (it stays in L1), A micro-panels inner.
    static func multiplyBlock(_ op: Operands, _ plan: Blocking, _ slab: Slab, i0: Int, rows: Int, j0: Int, cols: Int) {
        let scratch = Scratch.current
        for p in 0..<plan.kBlocks {
            let k0 = plan.kStart(p), kc = plan.kStart(p + 1) - k0
            packA(op, i0: i0, rows: rows, k0: k0, kc: kc, into: scratch.a)
            let block = slab.block(k0: k0)
            let loadC = op.accumulate || p > 0
            var j = j0
            while j < j0 + cols {
                let bPanel = block + j * kc
                let w = min(nr, j0 + cols - j)
                var i = 0
                while i < rows {
                    let h = min(mr, rows - i)
                    let aPanel = scratch.a + i * kc
                    let tile = op.c + (i0 + i) * op.ldc + slab.start + j
                    if h == mr && w == nr {
                        microKernel(kc: kc, a: aPanel, b: bPanel, c: tile, ldc: op.ldc, alpha: op.alpha, loadC: loadC)
                    } else {
                        edgeKernel(rows: h, cols: w, kc: kc, a: aPanel, b: bPanel, c: tile, ldc: op.ldc,
                                   alpha: op.alpha, loadC: loadC, tile: scratch.tile)
                    }
                    i += mr
                }
                j += nr
            }
        }
    }

    /// The operands of one multiply, shared read-only by its chunks; each chunk writes only its
    /// own block of C, which is what makes sharing the pointers across threads sound.
    struct Operands: @unchecked Sendable {
        let a: UnsafePointer<Float>, lda: Int, transposeA: Bool
        let b: UnsafePointer<Float>, ldb: Int, transposeB: Bool
        let c: UnsafeMutablePointer<Float>, ldc: Int
        let alpha: Float, accumulate: Bool
    }

    /// Columns start ..< start+width of op(B), packed: per k-block (k0, kc), the slab's
    /// micro-panels one after another, each (kc, 32).
    struct Slab: @unchecked Sendable {
        let start: Int, width: Int
        let packed: UnsafeMutablePointer<Float>
        /// The packed k-block starting at k0: micro-panel q at + q·kc·32.
        func block(k0: Int) -> UnsafeMutablePointer<Float> {
            packed + k0 * roundUp(width, to: nr)
        }
    }

    /// body(0 ..< count) on the pool, or in order on the calling thread.
    @inline(__always)
    static func run(_ count: Int, on pool: ThreadPool?, _ body: (Int) -> Void) {
        if let pool { pool.parallelFor(count, body) } else { for i in 0..<count { body(i) } }
    }

    static func checkShape(m: Int, n: Int, k: Int, lda: Int, transposeA: Bool, ldb: Int, transposeB: Bool, ldc: Int) {
        precondition(m >= 0 && n >= 0 && k >= 0, "GEMM: negative size m \(m) n \(n) k \(k)")
        precondition(lda >= max(1, transposeA ? m : k), "GEMM: lda \(lda) < row length \(transposeA ? m : k) of A")
        precondition(ldb >= max(1, transposeB ? k : n), "GEMM: ldb \(ldb) < row length \(transposeB ? k : n) of B")
        precondition(ldc >= max(1, n), "GEMM: ldc \(ldc) < n \(n)")
    }
}
