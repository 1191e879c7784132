import Compute

/// Row partitioning shared by the ops: fixed-size chunks, so that results (reductions included)
/// never depend on the number of threads.
enum Rows {
    /// Rows per chunk of a row-wise kernel.
    static let chunk = 32

    /// Runs `body(rows)` over `0..<count` in chunks of `chunk` rows on `pool`.
    static func forEach(_ count: Int, pool: ThreadPool, _ body: (Range<Int>) -> Void) {
        let chunks = (count + chunk - 1) / chunk
        pool.parallelFor(chunks) { c in body(c * chunk ..< min(count, (c + 1) * chunk)) }
    }

    /// out[j] += Σ_rows x[r·stride + j], j < width (a bias or norm-weight gradient). Partial sums
    /// per chunk of rows, added in chunk order: the same bits for any thread count.
    static func sumColumns(_ x: UnsafePointer<Float>, rows: Int, width: Int, stride: Int,
                           into out: UnsafeMutablePointer<Float>, pool: ThreadPool,
                           scratch: UnsafeMutablePointer<Float>) {
        let chunks = (rows + chunk - 1) / chunk
        pool.parallelFor(chunks) { c in
            let partial = scratch + c * width
            partial.update(repeating: 0, count: width)
            for r in c * chunk ..< min(rows, (c + 1) * chunk) {
                Kernels.add(x + r * stride, into: partial, width)
            }
        }
        for c in 0..<chunks { Kernels.add(scratch + c * width, into: out, width) }
    }

    /// Floats of scratch `sumColumns` needs.
    static func scratchCount(rows: Int, width: Int) -> Int { ((rows + chunk - 1) / chunk) * width }
}
