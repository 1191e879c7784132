#if canImport(Glibc)
import Glibc
#endif

extension Kernels {
    /// Softmax in place over `n` values: x[i] = e^(x[i]−max) / Σ. Returns Σ e^(x−max).
    @inlinable @discardableResult
    public static func softmax(_ x: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
        if n == 0 { return 0 }
        var mv = SIMD16<Float>(repeating: -.infinity)
        var i = 0
        while i + 16 <= n { let v = load(x + i); mv = mv.replacing(with: v, where: v .> mv); i += 16 }
        var m = mv.max()
        while i < n { if x[i] > m { m = x[i] }; i += 1 }
        let msv = SIMD16<Float>(repeating: m)
        var sv = SIMD16<Float>()
        i = 0
        while i + 16 <= n { let e = exp(load(x + i) - msv); store(e, x + i); sv += e; i += 16 }
        var sum = sv.sum()
        while i < n { let e = expf(x[i] - m); x[i] = e; sum += e; i += 1 }
        scale(x, by: 1 / sum, n)
        return sum
    }

    /// Index and value of the largest of `n` values (the first, on ties).
    @inlinable
    public static func argmax(_ x: UnsafePointer<Float>, _ n: Int) -> (index: Int, value: Float) {
        var best = 0
        var bestValue = -Float.infinity
        var i = 0
        // Find the maximum value by blocks, then the first index holding it.
        var mv = SIMD16<Float>(repeating: -.infinity)
        while i + 16 <= n { let v = load(x + i); mv = mv.replacing(with: v, where: v .> mv); i += 16 }
        bestValue = mv.max()
        while i < n { if x[i] > bestValue { bestValue = x[i] }; i += 1 }
        for j in 0..<n where x[j] == bestValue { best = j; break }
        return (best, bestValue)
    }
}
