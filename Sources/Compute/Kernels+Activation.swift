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

    /// GELU (tanh approximation)-gated product in place: gate[i] = gelu(gate[i]) · up[i].
    @inlinable
    public static func gegLU(gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, _ n: Int) {
        var i = 0
        while i + 16 <= n {
            store(gelu(load(gate + i)) * load(up + i), gate + i)
            i += 16
        }
        while i < n { gate[i] = ReferenceKernels.gelu(gate[i]) * up[i]; i += 1 }
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

