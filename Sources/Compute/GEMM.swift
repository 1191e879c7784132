/// Single-precision matrix products for training (placeholder until the blocked kernel lands).
public enum GEMM {
    /// C (m×n, row stride ldc) = alpha · op(A) · op(B) + (accumulate ? C : 0).
    /// op(A) is m×k: A is stored m×k (row stride lda) or, when transposeA, k×m. op(B) is k×n: B is stored
    /// k×n (ldb) or, when transposeB, n×k. Runs on `pool` when given (nil: the calling thread only).
    public static func multiply(m: Int, n: Int, k: Int, alpha: Float = 1,
                                a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
                                b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
                                c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false,
                                pool: ThreadPool?) {
        reference(m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, transposeA: transposeA,
                  b: b, ldb: ldb, transposeB: transposeB, c: c, ldc: ldc, accumulate: accumulate)
    }

    /// The plain triple loop (same contract as `multiply`).
    public static func reference(m: Int, n: Int, k: Int, alpha: Float = 1,
                                 a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
                                 b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
                                 c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false) {
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = 0
                for p in 0..<k {
                    let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    s += x * y
                }
                c[i * ldc + j] = alpha * s + (accumulate ? c[i * ldc + j] : 0)
            }
        }
    }
}
