import Testing
@testable import Compute
import TestSupport

/// B packed once (`GEMMPackedB`) gives the same bits as `GEMM.multiply` packing it per call,
/// for any m, any pool, both layouts of B, several k-blocks and several slabs.
@Suite struct GEMMPackedBTests {
    @Test(arguments: [(1, 7, 13, false), (40, 384, 1152, true), (37, 1536, 384, true), (5, 8192, 384, true),
                      (300, 45, 600, false), (12, 4100, 520, false)])
    func bitIdenticalToPackingPerCall(shape: (Int, Int, Int, Bool)) {
        let (m, n, k, transposeB) = shape
        var rng = SplitMix64(seed: UInt64(m * 31 + n * 7 + k))
        let a = (0..<(m * k)).map { _ in Float(rng.int(2001) - 1000) / 997 }
        let b = (0..<(k * n)).map { _ in Float(rng.int(2001) - 1000) / 991 }
        let c0 = (0..<(m * n)).map { _ in Float(rng.int(21) - 10) }
        let ldb = transposeB ? k : n
        let packed = b.withUnsafeBufferPointer { GEMMPackedB(k: k, n: n, b: $0.baseAddress!, ldb: ldb, transposeB: transposeB) }
        for pool in [nil, ThreadPool(threadCount: 2)] as [ThreadPool?] {
            for accumulate in [false, true] {
                var expected = c0, got = c0
                a.withUnsafeBufferPointer { ap in
                    b.withUnsafeBufferPointer { bp in
                        GEMM.multiply(m: m, n: n, k: k, alpha: 0.5, a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: ldb,
                                      transposeB: transposeB, c: &expected, ldc: n, accumulate: accumulate, pool: pool)
                    }
                    GEMM.multiply(m: m, k: k, alpha: 0.5, a: ap.baseAddress!, lda: k, packedB: packed, c: &got, ldc: n,
                                  accumulate: accumulate, pool: pool)
                }
                let differing = zip(expected, got).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(differing == 0, "m \(m) n \(n) k \(k): \(differing) elements differ")
            }
        }
    }
}
