extension Kernels {
    /// Causal scaled-dot-product attention of a block of queries against cached keys/values,
    /// with grouped-query heads and an optional sliding window.
    ///
    /// - q: (tokens, queryHeads, headDim), the queries at positions `start ..< start + tokens`
    /// - keys, values: (positions, kvHeads, headDim) f32 rows, holding at least `start + tokens`
    ///   positions; query head h reads KV head h / (queryHeads / kvHeads)
    /// - window: a query at position p sees keys p − window + 1 … p (nil: all keys ≤ p)
    /// - out: (tokens, queryHeads, headDim)
    /// Work is split over (token, head) pairs on `pool`.
    public static func causalAttention(
        q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
        tokens: Int, start: Int, queryHeads: Int, kvHeads: Int, headDim: Int,
        scale: Float, window: Int?, out: UnsafeMutablePointer<Float>, pool: ThreadPool
    ) {
        let group = queryHeads / kvHeads
        let kvStride = kvHeads * headDim
        let rowStride = queryHeads * headDim
        let pairs = tokens * queryHeads
        // Chunks of a few (token, head) pairs: enough to balance, few enough to be cheap.
        let chunk = max(1, pairs / (pool.threadCount * 8))
        let chunks = (pairs + chunk - 1) / chunk
        let p = Pointers(q: q, keys: keys, values: values, out: out)
        pool.parallelFor(chunks) { c in
            let maxKeys = start + tokens
            withUnsafeTemporaryAllocation(of: Float.self, capacity: maxKeys) { scores in
                let s = scores.baseAddress!
                for pair in c * chunk ..< min(pairs, (c + 1) * chunk) {
                    let t = pair / queryHeads, h = pair % queryHeads
                    let position = start + t
                    let first = window.map { max(0, position - $0 + 1) } ?? 0
                    let count = position - first + 1
                    let qv = p.q + t * rowStride + h * headDim
                    let kvOffset = (h / group) * headDim
                    for j in 0..<count {
                        s[j] = dot(qv, p.keys + (first + j) * kvStride + kvOffset, headDim) * scale
                    }
                    softmax(s, count)
                    let o = p.out + t * rowStride + h * headDim
                    o.initialize(repeating: 0, count: headDim)
                    for j in 0..<count {
                        axpy(s[j], p.values + (first + j) * kvStride + kvOffset, o, headDim)
                    }
                }
            }
        }
    }

    /// Raw pointers captured by kernel closures that run on the pool (each chunk writes only
    /// its own part of `out`).
    struct Pointers: @unchecked Sendable {
        let q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>
        let out: UnsafeMutablePointer<Float>
    }
}
