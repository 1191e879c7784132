#if canImport(Glibc)
import Glibc
#endif

extension Kernels {
    /// SiLU-gated product in place: gate[i] = silu(gate[i]) · up[i], silu(x) = x / (1 + e⁻ˣ).
    @inlinable
    public static func swiGLU(gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, _ n: Int) {
        var i = 0
        while i + 16 <= n {
            let g = load(gate + i)
            store(g / (1 + exp(-g)) * load(up + i), gate + i)
            i += 16
        }
        while i < n { let g = gate[i]; gate[i] = g / (1 + expf(-g)) * up[i]; i += 1 }
    }

    /// GELU (tanh approximation)-gated product in place, as llama.cpp computes it (GGML_GELU_FP16):
    /// gate[i] = g(gate[i]) · up[i] with g(x) = 0 for x ≤ −10, x for x ≥ 10, and otherwise the
    /// tanh GELU of x rounded to f16, evaluated in f32 and rounded to f16 again (a lookup in a
    /// table over all 65,536 f16 values). Matching this keeps Gemma's logits within llama.cpp's
    /// own noise; the exact f32 GELU is `gelu(_:_:)`.
    @inlinable
    public static func gegLU(gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, _ n: Int) {
        GELUTable.shared.values.withUnsafeBufferPointer { table in
            for i in 0..<n {
                let x = gate[i]
                let g: Float = x <= -10 ? 0 : x >= 10 ? x : table[Int(Float16(x).bitPattern)]
                gate[i] = g * up[i]
            }
        }
    }

    /// GELU (tanh approximation) in place, as GPT-2 / Gemma use it.
    @inlinable
    public static func gelu(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + 16 <= n { store(gelu(load(x + i)), x + i); i += 16 }
        while i < n { x[i] = ReferenceKernels.gelu(x[i]); i += 1 }
    }

    /// SiLU in place.
    @inlinable
    public static func silu(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + 16 <= n { let v = load(x + i); store(v / (1 + exp(-v)), x + i); i += 16 }
        while i < n { x[i] = x[i] / (1 + expf(-x[i])); i += 1 }
    }

    /// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), with tanh(u) = 1 − 2/(e²ᵘ + 1).
    @inlinable @inline(__always)
    public static func gelu(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let u = x * (x * x * 0.044_715 + 1) * 0.797_884_56
        let t = 1 - 2 / (exp(u + u) + 1)
        return 0.5 * x * (1 + t)
    }
}


/// f16(gelu(x)) for every f16 bit pattern x, gelu in f32 with the tanh approximation.
public final class GELUTable: Sendable {
    public static let shared = GELUTable()
    public let values: [Float]

    init() {
        values = (0..<65_536).map { bits in
            let x = Float(Float16(bitPattern: UInt16(bits)))
            return x.isFinite ? Float(Float16(ReferenceKernels.gelu(x))) : x
        }
    }
}
