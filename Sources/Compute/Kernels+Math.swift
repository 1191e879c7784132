/// Fast f32 kernels on raw pointers. Each has a plain twin in `ReferenceKernels` that tests
/// hold it equal to. Vectors are `SIMD16<Float>` (one AVX-512 register); tails run scalar.
public enum Kernels {}

extension Kernels {
    /// exp(x) for 16 lanes: Cody–Waite range reduction to r ∈ [-ln2/2, ln2/2], a degree-6
    /// polynomial, and 2ⁿ built in the exponent bits. Max relative error ≈ 2 ulp; inputs are
    /// clamped to [-87.3, 88.37] (exp underflows to ~1e-38, never to a denormal or garbage).
    @inlinable @inline(__always)
    public static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        var v = x.replacing(with: 88.37, where: x .> 88.37)
        v = v.replacing(with: -87.3, where: v .< -87.3)
        let magic = SIMD16<Float>(repeating: 12_582_912) // 1.5·2²³: adding it rounds to integer
        let nPlusMagic = magic.addingProduct(v, SIMD16(repeating: 1.442_695_04))
        let n = nPlusMagic - magic
        var r = v.addingProduct(n, SIMD16(repeating: -0.693_359_375))
        r = r.addingProduct(n, SIMD16(repeating: 2.121_944_4e-4))
        var p = SIMD16<Float>(repeating: 1.987_569_15e-4)
        p = SIMD16(repeating: 1.398_199_95e-3).addingProduct(p, r)
        p = SIMD16(repeating: 8.333_451_9e-3).addingProduct(p, r)
        p = SIMD16(repeating: 4.166_579_59e-2).addingProduct(p, r)
        p = SIMD16(repeating: 1.666_666_55e-1).addingProduct(p, r)
        p = SIMD16(repeating: 5.000_000_12e-1).addingProduct(p, r)
        p = (r + 1).addingProduct(p, r * r)
        let bits = unsafeBitCast(nPlusMagic, to: SIMD16<Int32>.self) &- unsafeBitCast(magic, to: SIMD16<Int32>.self)
        let scale = unsafeBitCast((bits &+ 127) &<< 23, to: SIMD16<Float>.self)
        return p * scale
    }

    /// Σ a[i]·b[i] over `n` values.
    @inlinable
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>()
        var i = 0
        while i + 32 <= n {
            s0.addProduct(load(a + i), load(b + i))
            s1.addProduct(load(a + i + 16), load(b + i + 16))
            i += 32
        }
        if i + 16 <= n { s0.addProduct(load(a + i), load(b + i)); i += 16 }
        var s = (s0 + s1).sum()
        while i < n { s += a[i] * b[i]; i += 1 }
        return s
    }

    /// y[i] += a·x[i] over `n` values.
    @inlinable
    public static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        let av = SIMD16<Float>(repeating: a)
        var i = 0
        while i + 16 <= n {
            store(load(y + i).addingProduct(av, load(x + i)), y + i)
            i += 16
        }
        while i < n { y[i] += a * x[i]; i += 1 }
    }

    /// y[i] += x[i] over `n` values (residual connections).
    @inlinable
    public static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + 16 <= n { store(load(y + i) + load(x + i), y + i); i += 16 }
        while i < n { y[i] += x[i]; i += 1 }
    }

    /// x[i] *= a over `n` values.
    @inlinable
    public static func scale(_ x: UnsafeMutablePointer<Float>, by a: Float, _ n: Int) {
        let av = SIMD16<Float>(repeating: a)
        var i = 0
        while i + 16 <= n { store(load(x + i) * av, x + i); i += 16 }
        while i < n { x[i] *= a; i += 1 }
    }

    @inlinable @inline(__always)
    public static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inlinable @inline(__always)
    public static func load(_ p: UnsafeMutablePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inlinable @inline(__always)
    public static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }
}
