import Compute

/// Backward kernels of the row normalisations (one row of `n` values per call). Each adds to
/// dx and to the weight (and bias) gradient rows it is given; the forward statistics are
/// recomputed from x (one pass over a row that is in cache anyway) rather than stored.
public enum NormBackward {
    /// LayerNorm y = (x − μ)·r·w + b, r = 1/√(var + eps):
    /// dx += r·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·w, x̂ = (x − μ)·r; dw += dy·x̂; db += dy.
    /// x, dy, dx: (n); weight, dWeight, dBias: (n) or nil.
    @inlinable
    public static func layerNorm(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, weight: UnsafePointer<Float>?,
                                 eps: Float, dx: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>?,
                                 dBias: UnsafeMutablePointer<Float>?, _ n: Int) {
        var sum: Float = 0
        for i in 0..<n { sum += x[i] }
        let mean = sum / Float(n)
        var variance: Float = 0
        for i in 0..<n { let d = x[i] - mean; variance += d * d }
        let r = 1 / (variance / Float(n) + eps).squareRoot()
        var gMean: Float = 0, gxMean: Float = 0
        for i in 0..<n {
            let g = dy[i] * (weight?[i] ?? 1), xh = (x[i] - mean) * r
            gMean += g
            gxMean += g * xh
            if let dWeight { dWeight[i] += dy[i] * xh }
            if let dBias { dBias[i] += dy[i] }
        }
        gMean /= Float(n); gxMean /= Float(n)
        guard let dx else { return }
        for i in 0..<n {
            let g = dy[i] * (weight?[i] ?? 1), xh = (x[i] - mean) * r
            dx[i] += r * (g - gMean - xh * gxMean)
        }
    }

    /// RMSNorm y = x·r·w, r = 1/√(mean(x²) + eps):
    /// dx += r·(g − x·r²·mean(g·x)) with g = dy·w; dw += dy·x·r.
    @inlinable
    public static func rmsNorm(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, weight: UnsafePointer<Float>?,
                               eps: Float, dx: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>?,
                               _ n: Int) {
        var squares: Float = 0
        for i in 0..<n { squares += x[i] * x[i] }
        let r = 1 / (squares / Float(n) + eps).squareRoot()
        var gx: Float = 0
        for i in 0..<n {
            let g = dy[i] * (weight?[i] ?? 1)
            gx += g * x[i]
            if let dWeight { dWeight[i] += dy[i] * x[i] * r }
        }
        gx /= Float(n)
        guard let dx else { return }
        for i in 0..<n {
            let g = dy[i] * (weight?[i] ?? 1)
            dx[i] += r * (g - x[i] * r * r * gx)
        }
    }
}
