import Testing
@testable import Compute
import TestSupport

/// The packed, blocked `GEMM.multiply` against the plain triple loop `GEMM.reference`.
///
/// The two sum each element's k products in different orders (FMA chains per k-block of ≤ 256,
/// blocks added into C, versus one running Float sum), so they agree only up to rounding. Any
/// order of summing k products has an error of at most γₖ·Σ|aᵢbᵢ| with γₖ ≈ k·u (u = 2⁻²⁴),
/// so two orders differ by at most ≈ 2k·u·Σ|aᵢbᵢ|; alpha and the add into C add a few more
/// roundings of |α|·Σ|aᵢbᵢ| + |C|. The bound is 2(k+2)·u·(|α|·Σ|aᵢbᵢ| + |C₀|) per element: a
/// dropped or wrong product (error ≈ Σ|aᵢbᵢ|/k) exceeds it by far for the sizes used here.
@Suite struct GEMMTests {
    /// (transposeA, transposeB): the forward (false, true), input-gradient (false, false) and
    /// weight-gradient (true, false) layouts, and the fourth for completeness.
    static let layouts: [(Bool, Bool)] = [(false, false), (false, true), (true, false), (true, true)]
    /// (m, n, k): single rows and columns, sizes off every tile multiple (12, 32) and k-block
    /// size (256), exact tiles, several k-blocks.
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (1, 7, 13), (7, 1, 33), (13, 33, 7), (33, 13, 100), (12, 32, 256), (24, 64, 512),
        (100, 257, 33), (257, 100, 257), (37, 70, 600), (300, 45, 1), (1, 300, 300),
    ]

    @Test(arguments: 0..<4)
    func matchesReference(layout: Int) {
        let (ta, tb) = Self.layouts[layout]
        let pool = ThreadPool(threadCount: 2)
        var rng = SplitMix64(seed: UInt64(layout) + 1)
        for (m, n, k) in Self.shapes {
            let problem = Problem(m: m, n: n, k: k, transposeA: ta, transposeB: tb, rng: &rng)
            for (alpha, accumulate) in [(Float(1), false), (1, true), (-0.75, false), (2.5, true)] {
                for p in [nil, pool] {
                    problem.check(alpha: alpha, accumulate: accumulate, pool: p)
                }
            }
        }
    }

    /// Row strides wider than the rows (a view into a larger matrix): the gaps are never read
    /// into results (they hold NaN) and the gap of C is never written.
    @Test(arguments: 0..<4)
    func stridesWiderThanRows(layout: Int) {
        let (ta, tb) = Self.layouts[layout]
        var rng = SplitMix64(seed: 40 + UInt64(layout))
        for (m, n, k) in [(13, 45, 30), (50, 33, 270), (1, 40, 7)] {
            let problem = Problem(m: m, n: n, k: k, transposeA: ta, transposeB: tb, padding: (3, 5, 17), rng: &rng)
            problem.check(alpha: 1, accumulate: true, pool: ThreadPool(threadCount: 2))
            problem.check(alpha: 0.5, accumulate: false, pool: nil)
        }
    }

    /// k = 0: op(A)·op(B) is all zeros, so C becomes 0, or stays itself when accumulating.
    @Test func emptyInnerDimension() {
        var rng = SplitMix64(seed: 7)
        let problem = Problem(m: 5, n: 9, k: 0, transposeA: false, transposeB: true, rng: &rng)
        problem.check(alpha: 1, accumulate: false, pool: nil)
        problem.check(alpha: 3, accumulate: true, pool: ThreadPool(threadCount: 2))
    }

    /// The sum order of an element depends on k only: 1, 2 or 3 threads and the calling thread
    /// alone give bit-identical C, for a shape cut into many chunks, k-blocks and (k·n above one
    /// slab of packed B) two slabs.
    @Test(arguments: [(300, 700, 600, false, true), (40, 4100, 520, false, false), (390, 200, 1100, true, false)])
    func resultsIndependentOfThreadCount(shape: (Int, Int, Int, Bool, Bool)) {
        let (m, n, k, ta, tb) = shape
        var rng = SplitMix64(seed: UInt64(m * n + k))
        let problem = Problem(m: m, n: n, k: k, transposeA: ta, transposeB: tb, rng: &rng)
        let single = problem.fast(alpha: 1, accumulate: true, pool: nil)
        for threads in [1, 2, 3] {
            let c = problem.fast(alpha: 1, accumulate: true, pool: ThreadPool(threadCount: threads))
            let differing = zip(c, single).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(differing == 0, "\(threads) threads: \(differing) elements differ from the calling thread's")
        }
        problem.check(alpha: 1, accumulate: true, pool: nil)
    }

    /// Packing only moves values: the same op(A) and op(B), stored in any of the four layouts,
    /// give bit-identical C.
    @Test func resultsIndependentOfLayout() {
        let (m, n, k) = (45, 70, 300)
        var rng = SplitMix64(seed: 21)
        let opA = rng.floats(m * k), opB = rng.floats(k * n)   // (m, k) and (k, n), row-major
        var first: [UInt32]?
        for (ta, tb) in Self.layouts {
            let a = ta ? (0..<k * m).map { opA[($0 % m) * k + $0 / m] } : opA   // stored (k, m) when transposed
            let b = tb ? (0..<n * k).map { opB[($0 % k) * n + $0 / k] } : opB   // stored (n, k) when transposed
            var c = [Float](repeating: 0, count: m * n)
            GEMM.multiply(m: m, n: n, k: k, alpha: 0.3, a: a, lda: ta ? m : k, transposeA: ta,
                          b: b, ldb: tb ? k : n, transposeB: tb, c: &c, ldc: n, pool: nil)
            let bits = c.map(\.bitPattern)
            if let first {
                let differing = zip(bits, first).filter { $0 != $1 }.count
                #expect(differing == 0, "transposeA \(ta) transposeB \(tb): \(differing) elements differ")
            } else {
                first = bits
            }
        }
    }

    /// Single-threaded multiplies run concurrently from the chunks of a pool (attention: one per
    /// batch and head), each with its own packing buffers.
    @Test func concurrentCallsOnTheCallingThread() {
        let pool = ThreadPool(threadCount: 2)
        var rng = SplitMix64(seed: 11)
        let problems = (0..<6).map { i in
            Problem(m: 64 + i, n: 64, k: 96 - i, transposeA: false, transposeB: i % 2 == 0, rng: &rng)
        }
        let wanted = problems.map { $0.reference(alpha: 0.125, accumulate: false) }
        let results = problems.map { UnsafeMutablePointer<Float>.allocate(capacity: $0.c.count) }
        defer { for r in results { r.deallocate() } }
        pool.parallelFor(problems.count) { i in
            for _ in 0..<20 { problems[i].fast(alpha: 0.125, accumulate: false, pool: nil, into: results[i]) }
        }
        for i in problems.indices {
            let got = Array(UnsafeBufferPointer(start: results[i], count: problems[i].c.count))
            problems[i].expectClose(got, wanted[i], alpha: 0.125, accumulate: false, "problem \(i)")
        }
    }
}

/// One multiply's operands in their stored layouts, row strides padded by NaN gaps (A, B) and
/// a sentinel gap (C) that must survive.
struct Problem {
    let m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool
    let lda: Int, ldb: Int, ldc: Int
    let a: [Float], b: [Float], c: [Float]
    /// Σₚ |op(A)[i, p]·op(B)[p, j]| per element of C (row stride n), for the error bound.
    let magnitude: [Float]
    static let sentinel: Float = 12345

    /// padding: extra values per stored row of A, B and C.
    init(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, padding: (Int, Int, Int) = (0, 0, 0),
         rng: inout SplitMix64) {
        self.m = m; self.n = n; self.k = k; self.transposeA = transposeA; self.transposeB = transposeB
        let (aRows, aCols) = transposeA ? (k, m) : (m, k)
        let (bRows, bCols) = transposeB ? (n, k) : (k, n)
        lda = max(1, aCols + padding.0); ldb = max(1, bCols + padding.1); ldc = n + padding.2
        func matrix(_ rows: Int, _ cols: Int, _ stride: Int, gap: Float, _ rng: inout SplitMix64) -> [Float] {
            var values = [Float](repeating: gap, count: max(1, rows * stride))
            for r in 0..<rows { for j in 0..<cols { values[r * stride + j] = rng.float() } }
            return values
        }
        a = matrix(aRows, aCols, lda, gap: .nan, &rng)
        b = matrix(bRows, bCols, ldb, gap: .nan, &rng)
        c = matrix(m, n, ldc, gap: Self.sentinel, &rng)
        var magnitude = [Float](repeating: 0, count: max(1, m * n))
        GEMM.reference(m: m, n: n, k: k, a: a.map(abs), lda: lda, transposeA: transposeA, b: b.map(abs), ldb: ldb,
                       transposeB: transposeB, c: &magnitude, ldc: max(1, n))
        self.magnitude = magnitude
    }

    /// C's starting values: its own when accumulating, else NaN (which must never be read).
    func initialC(accumulate: Bool, into out: UnsafeMutablePointer<Float>) {
        for i in c.indices { out[i] = accumulate || i % ldc >= n ? c[i] : .nan }
    }

    func fast(alpha: Float, accumulate: Bool, pool: ThreadPool?, into out: UnsafeMutablePointer<Float>) {
        initialC(accumulate: accumulate, into: out)
        GEMM.multiply(m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, transposeA: transposeA,
                      b: b, ldb: ldb, transposeB: transposeB, c: out, ldc: ldc, accumulate: accumulate, pool: pool)
    }

    func fast(alpha: Float, accumulate: Bool, pool: ThreadPool?) -> [Float] {
        var out = c
        out.withUnsafeMutableBufferPointer { fast(alpha: alpha, accumulate: accumulate, pool: pool, into: $0.baseAddress!) }
        return out
    }

    func reference(alpha: Float, accumulate: Bool) -> [Float] {
        var out = c
        out.withUnsafeMutableBufferPointer { o in
            initialC(accumulate: accumulate, into: o.baseAddress!)
            GEMM.reference(m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, transposeA: transposeA,
                           b: b, ldb: ldb, transposeB: transposeB, c: o.baseAddress!, ldc: ldc, accumulate: accumulate)
        }
        return out
    }

    func check(alpha: Float, accumulate: Bool, pool: ThreadPool?) {
        expectClose(fast(alpha: alpha, accumulate: accumulate, pool: pool), reference(alpha: alpha, accumulate: accumulate),
                    alpha: alpha, accumulate: accumulate, "pool \(pool?.threadCount ?? 0)")
    }

    /// got == want within 2(k+2)·u·(|α|·Σ|aᵢbᵢ| + |C₀|) per element (see the suite's comment);
    /// the gap of C untouched.
    func expectClose(_ got: [Float], _ want: [Float], alpha: Float, accumulate: Bool, _ label: String) {
        let u = Double(Float.ulpOfOne) / 2
        var worst = 0.0, failures = 0, gapWrites = 0
        for i in 0..<m {
            for j in 0..<ldc {
                let index = i * ldc + j
                guard j < n else {
                    if got[index].bitPattern != Self.sentinel.bitPattern { gapWrites += 1 }
                    continue
                }
                let start = accumulate ? abs(Double(c[index])) : 0
                let bound = 2 * Double(k + 2) * u * (abs(Double(alpha)) * Double(magnitude[i * n + j]) + start) + 1e-30
                let error = abs(Double(got[index]) - Double(want[index]))
                if !(error <= bound) { failures += 1 }
                if bound > 0 { worst = max(worst, error / bound) }
            }
        }
        let shape = "m \(m) n \(n) k \(k) transposeA \(transposeA) transposeB \(transposeB) alpha \(alpha) accumulate \(accumulate)"
        #expect(failures == 0, "\(label) \(shape): \(failures) elements off, worst error/bound \(worst)")
        #expect(gapWrites == 0, "\(label) \(shape): \(gapWrites) writes into the row gap of C")
    }
}
