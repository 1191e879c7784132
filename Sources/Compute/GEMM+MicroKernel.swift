// The GEMM micro-kernel: one 12×32 tile of C from a packed A micro-panel and a packed B
// micro-panel, all of it in registers.
//
// 24 SIMD16<Float> accumulators (12 rows × 2 vectors of 16 columns) + 2 vectors of B = 26 of
// the 32 zmm registers; per k step 2 vector loads of B, 12 broadcasts of A and 24 FMAs. The
// accumulators are separate named locals: an array or tuple of them spills.
// With its panels in L1 it runs at the FMA peak (measured on a Zen 5 EPYC core: ~234 GFLOP/s,
// 2 × 512-bit FMA per cycle); the rest of GEMM is about keeping it fed.
// Every element of C gets its k-sum in the same order (k ascending, one FMA chain) whichever
// tile it sits in and whichever thread runs it, which makes results independent of threading.

extension GEMM {
    /// Rows of a micro-tile: A values broadcast per k step.
    static let mr = 12
    /// Columns of a micro-tile: two SIMD16 vectors of B per k step.
    static let nr = 32

    /// c (12×32, row stride ldc) = alpha · Σₖ aₖ ⊗ bₖ + (loadC ? c : 0).
    ///
    /// - a: packed A micro-panel (kc, 12): a[k·12 + r] is op(A)[row r, k]
    /// - b: packed B micro-panel (kc, 32): b[k·32 + j] is op(B)[k, column j]
    @inline(never)
    static func microKernel(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                            c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, loadC: Bool) {
        var c00 = SIMD16<Float>(), c01 = SIMD16<Float>(), c10 = SIMD16<Float>(), c11 = SIMD16<Float>()
        var c20 = SIMD16<Float>(), c21 = SIMD16<Float>(), c30 = SIMD16<Float>(), c31 = SIMD16<Float>()
        var c40 = SIMD16<Float>(), c41 = SIMD16<Float>(), c50 = SIMD16<Float>(), c51 = SIMD16<Float>()
        var c60 = SIMD16<Float>(), c61 = SIMD16<Float>(), c70 = SIMD16<Float>(), c71 = SIMD16<Float>()
        var c80 = SIMD16<Float>(), c81 = SIMD16<Float>(), c90 = SIMD16<Float>(), c91 = SIMD16<Float>()
        var ca0 = SIMD16<Float>(), ca1 = SIMD16<Float>(), cb0 = SIMD16<Float>(), cb1 = SIMD16<Float>()
        var pa = a, pb = b
        for _ in 0..<kc {
            let b0 = load16(pb), b1 = load16(pb + 16)
            var x = SIMD16<Float>(repeating: pa[0])
            c00.addProduct(x, b0); c01.addProduct(x, b1)
            x = SIMD16(repeating: pa[1]); c10.addProduct(x, b0); c11.addProduct(x, b1)
            x = SIMD16(repeating: pa[2]); c20.addProduct(x, b0); c21.addProduct(x, b1)
            x = SIMD16(repeating: pa[3]); c30.addProduct(x, b0); c31.addProduct(x, b1)
            x = SIMD16(repeating: pa[4]); c40.addProduct(x, b0); c41.addProduct(x, b1)
            x = SIMD16(repeating: pa[5]); c50.addProduct(x, b0); c51.addProduct(x, b1)
            x = SIMD16(repeating: pa[6]); c60.addProduct(x, b0); c61.addProduct(x, b1)
            x = SIMD16(repeating: pa[7]); c70.addProduct(x, b0); c71.addProduct(x, b1)
            x = SIMD16(repeating: pa[8]); c80.addProduct(x, b0); c81.addProduct(x, b1)
            x = SIMD16(repeating: pa[9]); c90.addProduct(x, b0); c91.addProduct(x, b1)
            x = SIMD16(repeating: pa[10]); ca0.addProduct(x, b0); ca1.addProduct(x, b1)
            x = SIMD16(repeating: pa[11]); cb0.addProduct(x, b0); cb1.addProduct(x, b1)
            pa += mr
            pb += nr
        }
        let av = SIMD16<Float>(repeating: alpha)
        @inline(__always) func update(_ row: Int, _ s0: SIMD16<Float>, _ s1: SIMD16<Float>) {
            let p = c + row * ldc
            if loadC {
                store16(load16(p).addingProduct(av, s0), p)
                store16(load16(p + 16).addingProduct(av, s1), p + 16)
            } else {
                store16(av * s0, p)
                store16(av * s1, p + 16)
            }
        }
        update(0, c00, c01); update(1, c10, c11); update(2, c20, c21); update(3, c30, c31)
        update(4, c40, c41); update(5, c50, c51); update(6, c60, c61); update(7, c70, c71)
        update(8, c80, c81); update(9, c90, c91); update(10, ca0, ca1); update(11, cb0, cb1)
    }

    /// A partial tile: the top-left rows×cols of the 12×32 tile at c, through `tile` (12×32
    /// scratch), so that each element gets exactly the arithmetic of a full tile.
    static func edgeKernel(rows: Int, cols: Int, kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                           c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, loadC: Bool,
                           tile: UnsafeMutablePointer<Float>) {
        if loadC {
            for r in 0..<rows { (tile + r * nr).update(from: c + r * ldc, count: cols) }
        }
        microKernel(kc: kc, a: a, b: b, c: tile, ldc: nr, alpha: alpha, loadC: loadC)
        for r in 0..<rows { (c + r * ldc).update(from: tile + r * nr, count: cols) }
    }
}

// Here rather than `Kernels.load`/`store`: debug builds compile file by file, and only a helper
// in the same file is inlined into the kernel there.
@inline(__always)
private func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always)
private func load16(_ p: UnsafeMutablePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always)
private func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
}
