#if canImport(Glibc)
import Glibc
#endif

/// Rotary position embedding (RoPE).
///
/// `.normal` rotates adjacent pairs (x[2i], x[2i+1]) — llama.cpp's mode for `llama` GGUFs, whose
/// converter permuted Q/K rows so that this equals HF's rotate-half. `.neox` rotates
/// (x[i], x[i + d/2]) — Qwen2, Gemma 3, GPT-NeoX.
public struct RoPE: Sendable {
    public enum Mode: Sendable { case normal, neox }
    public let mode: Mode
    /// Rotated dimensions per head (≤ head dim; the rest pass through).
    public let dimensions: Int
    /// θ base (10 000 … 1 000 000).
    public let base: Float

    public init(mode: Mode, dimensions: Int, base: Float) {
        self.mode = mode; self.dimensions = dimensions; self.base = base
    }

    /// cos/sin of the `dimensions/2` angles at `position`, as ggml builds its cache: the angle
    /// starts at the position and is multiplied by base^(−2/d) per pair, in f32.
    /// table: (dimensions) = [cos₀, sin₀, cos₁, sin₁, …].
    public func table(position: Int, into table: UnsafeMutablePointer<Float>) {
        let thetaScale = powf(base, -2 / Float(dimensions))
        var theta = Float(position)
        for i in 0..<dimensions / 2 {
            table[2 * i] = cosf(theta)
            table[2 * i + 1] = sinf(theta)
            theta *= thetaScale
        }
    }

    /// Rotates `heads` consecutive head vectors of `headDim` values in place with a `table`.
    /// x: (heads, headDim).
    public func apply(_ x: UnsafeMutablePointer<Float>, heads: Int, headDim: Int, table: UnsafePointer<Float>) {
        let half = dimensions / 2
        for h in 0..<heads {
            let v = x + h * headDim
            switch mode {
            case .normal:
                for i in 0..<half {
                    let c = table[2 * i], s = table[2 * i + 1]
                    let a = v[2 * i], b = v[2 * i + 1]
                    v[2 * i] = a * c - b * s
                    v[2 * i + 1] = a * s + b * c
                }
            case .neox:
                for i in 0..<half {
                    let c = table[2 * i], s = table[2 * i + 1]
                    let a = v[i], b = v[i + half]
                    v[i] = a * c - b * s
                    v[i + half] = a * s + b * c
                }
            }
        }
    }
}
