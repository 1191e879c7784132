#if canImport(Glibc)
import Glibc
#endif
import Compute

extension BERTModel {
    /// Exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)), HF's "gelu"; the reference (libm `erff`).
    @inline(__always)
    static func gelu(_ x: Float) -> Float { 0.5 * x * (1 + erff(x * 0.707_106_77)) }

    /// The same for 16 lanes, erf by Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7):
    /// erf(z) = 1 − t·(a1 + t·(a2 + … + t·a5))·e^(−z²), t = 1/(1 + p·z), z ≥ 0, odd in z.
    @inline(__always)
    static func gelu(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let z = x * 0.707_106_77
        let a = z.replacing(with: -z, where: z .< 0)
        let t = 1 / (SIMD16<Float>(repeating: 1).addingProduct(a, SIMD16(repeating: 0.327_591_1)))
        var poly = SIMD16<Float>(repeating: 1.061_405_429)
        poly = SIMD16(repeating: -1.453_152_027).addingProduct(poly, t)
        poly = SIMD16(repeating: 1.421_413_741).addingProduct(poly, t)
        poly = SIMD16(repeating: -0.284_496_736).addingProduct(poly, t)
        poly = SIMD16(repeating: 0.254_829_592).addingProduct(poly, t)
        let tail = poly * t * Kernels.exp(-(a * a))  // 1 − erf(|z|)
        // 1 + erf(z) = 2 − tail for z ≥ 0, tail for z < 0.
        let onePlusErf = tail.replacing(with: 2 - tail, where: z .>= 0)
        return 0.5 * x * onePlusErf
    }

    /// GELU in place over n values: SIMD16 blocks, scalar tail.
    static func gelu(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + 16 <= n { Kernels.store(gelu(Kernels.load(x + i)), x + i); i += 16 }
        while i < n { x[i] = gelu(x[i]); i += 1 }
    }
}
