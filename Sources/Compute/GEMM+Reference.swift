extension GEMM {
    /// The plain triple loop the fast path is tested against (same contract as `multiply`, on the
    /// calling thread): each element summed in Float over k ascending, then scaled by alpha.
    public static func reference(m: Int, n: Int, k: Int, alpha: Float = 1,
                                 a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
                                 b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
                                 c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false) {
        checkShape(m: m, n: n, k: k, lda: lda, transposeA: transposeA, ldb: ldb, transposeB: transposeB, ldc: ldc)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k {
                    let x = transposeA ? a[p * lda + i] : a[i * lda + p]   // op(A)[i, p]
                    let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]   // op(B)[p, j]
                    sum += x * y
                }
                let scaled = alpha * sum
                c[i * ldc + j] = accumulate ? c[i * ldc + j] + scaled : scaled
            }
        }
    }
}
