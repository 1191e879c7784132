#if canImport(Glibc)
import Glibc
#endif

/// Plain, obviously-correct twins of the fast kernels, written for reading; tests hold the fast
/// versions equal to these. Double accumulation where it makes the reference more exact.
public enum ReferenceKernels {
    public static func rmsNorm(_ x: [Float], weight: [Float]?, eps: Float) -> [Float] {
        let meanSquare = x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(x.count)
        let scale = Float(1 / (meanSquare + Double(eps)).squareRoot())
        return x.indices.map { x[$0] * scale * (weight?[$0] ?? 1) }
    }

    public static func layerNorm(_ x: [Float], weight: [Float]?, bias: [Float]?, eps: Float) -> [Float] {
        let n = Double(x.count)
        let mean = x.reduce(0.0) { $0 + Double($1) } / n
        let variance = x.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        let inv = 1 / (variance + Double(eps)).squareRoot()
        return x.indices.map { Float((Double(x[$0]) - mean) * inv) * (weight?[$0] ?? 1) + (bias?[$0] ?? 0) }
    }

    public static func softmax(_ x: [Float]) -> [Float] {
        let m = x.max() ?? 0
        let e = x.map { Foundation.exp(Double($0 - m)) }
        let s = e.reduce(0, +)
        return e.map { Float($0 / s) }
    }

    public static func silu(_ x: Float) -> Float { x / (1 + expf(-x)) }

    public static func gelu(_ x: Float) -> Float {
        0.5 * x * (1 + tanhf(0.797_884_56 * (x + 0.044_715 * x * x * x)))
    }

    public static func dot(_ a: [Float], _ b: [Float]) -> Float {
        Float(zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) })
    }

    /// RoPE on one head vector, from the definition: angle_i = position · base^(−2i/d).
    public static func rope(_ v: [Float], position: Int, base: Float, dimensions: Int, neox: Bool) -> [Float] {
        var out = v
        let half = dimensions / 2
        for i in 0..<half {
            let angle = Double(position) * pow(Double(base), -2 * Double(i) / Double(dimensions))
            let c = Float(cos(angle)), s = Float(sin(angle))
            let (ia, ib) = neox ? (i, i + half) : (2 * i, 2 * i + 1)
            out[ia] = v[ia] * c - v[ib] * s
            out[ib] = v[ia] * s + v[ib] * c
        }
        return out
    }

    /// Causal attention for one query head against keys/values (positions × headDim), from the
    /// definition: softmax(q·Kᵀ·scale over visible positions)·V.
    public static func attention(q: [Float], keys: [[Float]], values: [[Float]], position: Int,
                                 scale: Float, window: Int?) -> [Float] {
        let first = window.map { max(0, position - $0 + 1) } ?? 0
        let visible = Array(first...position)
        let scores = softmax(visible.map { dot(q, keys[$0]) * scale })
        var out = [Float](repeating: 0, count: q.count)
        for (w, j) in zip(scores, visible) { for d in out.indices { out[d] += w * values[j][d] } }
        return out
    }
}

enum Foundation {
    static func exp(_ x: Double) -> Double { Glibc.exp(x) }
}
