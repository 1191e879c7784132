extension Kernels {
    /// RMSNorm of one row: out[i] = x[i] / sqrt(mean(x²) + eps) · weight[i].
    /// `weight` nil means no scale (QK-norm without weights, or a pure normalisation).
    /// x, out: (n); out may alias x.
    @inlinable
    public static func rmsNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>?, eps: Float,
                               out: UnsafeMutablePointer<Float>, _ n: Int) {
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>()
        var i = 0
        while i + 32 <= n {
            let a = load(x + i), b = load(x + i + 16)
            s0.addProduct(a, a); s1.addProduct(b, b)
            i += 32
        }
        if i + 16 <= n { let a = load(x + i); s0.addProduct(a, a); i += 16 }
        var sum = (s0 + s1).sum()
        while i < n { sum += x[i] * x[i]; i += 1 }
        let scale = 1 / (sum / Float(n) + eps).squareRoot()
        let sv = SIMD16<Float>(repeating: scale)
        i = 0
        if let w = weight {
            while i + 16 <= n { store(load(x + i) * sv * load(w + i), out + i); i += 16 }
            while i < n { out[i] = x[i] * scale * w[i]; i += 1 }
        } else {
            while i + 16 <= n { store(load(x + i) * sv, out + i); i += 16 }
            while i < n { out[i] = x[i] * scale; i += 1 }
        }
    }

    /// LayerNorm of one row: (x − mean) / sqrt(var + eps) · weight + bias. x, out: (n).
    @inlinable
    public static func layerNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
                                 eps: Float, out: UnsafeMutablePointer<Float>, _ n: Int) {
        var acc = SIMD16<Float>()
        var i = 0
        while i + 16 <= n { acc += load(x + i); i += 16 }
        var sum = acc.sum()
        while i < n { sum += x[i]; i += 1 }
        let mean = sum / Float(n)
        let mv = SIMD16<Float>(repeating: mean)
        var vacc = SIMD16<Float>()
        i = 0
        while i + 16 <= n { let d = load(x + i) - mv; vacc.addProduct(d, d); i += 16 }
        var variance = vacc.sum()
        while i < n { let d = x[i] - mean; variance += d * d; i += 1 }
        let inv = 1 / (variance / Float(n) + eps).squareRoot()
        for j in 0..<n {
            var v = (x[j] - mean) * inv
            if let weight { v *= weight[j] }
            if let bias { v += bias[j] }
            out[j] = v
        }
    }
}
