/// The distance kernels of the vector indexes: 16-lane SIMD with four accumulators, any dimension
/// (a scalar tail finishes what is not a multiple of 16). `plainDot` / `plainSquaredDistance` are
/// the obvious loops they are tested against (equal within float rounding: the sums are ordered
/// differently).
enum VectorDistance {
    /// Σ a[i]·b[i] over `count` floats.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>(), s2 = SIMD16<Float>(), s3 = SIMD16<Float>()
        var i = 0
        while i &+ 64 <= count {
            let o = i &* 4
            s0.addProduct(ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self),
                          rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self))
            s1.addProduct(ra.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self),
                          rb.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self))
            s2.addProduct(ra.loadUnaligned(fromByteOffset: o &+ 128, as: SIMD16<Float>.self),
                          rb.loadUnaligned(fromByteOffset: o &+ 128, as: SIMD16<Float>.self))
            s3.addProduct(ra.loadUnaligned(fromByteOffset: o &+ 192, as: SIMD16<Float>.self),
                          rb.loadUnaligned(fromByteOffset: o &+ 192, as: SIMD16<Float>.self))
            i &+= 64
        }
        while i &+ 16 <= count {
            s0.addProduct(ra.loadUnaligned(fromByteOffset: i &* 4, as: SIMD16<Float>.self),
                          rb.loadUnaligned(fromByteOffset: i &* 4, as: SIMD16<Float>.self))
            i &+= 16
        }
        var s = horizontalSum((s0 + s1) + (s2 + s3))
        while i < count { s = s.addingProduct(a[i], b[i]); i &+= 1 }
        return s
    }

    /// Σ (a[i] − b[i])² over `count` floats.
    @inline(__always)
    static func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>(), s2 = SIMD16<Float>(), s3 = SIMD16<Float>()
        var i = 0
        while i &+ 64 <= count {
            let o = i &* 4
            let d0 = ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            let d1 = ra.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
            let d2 = ra.loadUnaligned(fromByteOffset: o &+ 128, as: SIMD16<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o &+ 128, as: SIMD16<Float>.self)
            let d3 = ra.loadUnaligned(fromByteOffset: o &+ 192, as: SIMD16<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o &+ 192, as: SIMD16<Float>.self)
            s0.addProduct(d0, d0)
            s1.addProduct(d1, d1)
            s2.addProduct(d2, d2)
            s3.addProduct(d3, d3)
            i &+= 64
        }
        while i &+ 16 <= count {
            let d = ra.loadUnaligned(fromByteOffset: i &* 4, as: SIMD16<Float>.self)
                - rb.loadUnaligned(fromByteOffset: i &* 4, as: SIMD16<Float>.self)
            s0.addProduct(d, d)
            i &+= 16
        }
        var s = horizontalSum((s0 + s1) + (s2 + s3))
        while i < count { let d = a[i] - b[i]; s = s.addingProduct(d, d); i &+= 1 }
        return s
    }

    /// Σ of the 16 lanes by halving (`SIMD16.sum()` compiles to a slow chain of scalar inserts).
    @inline(__always)
    static func horizontalSum(_ v: SIMD16<Float>) -> Float {
        let a = v.lowHalf + v.highHalf
        let b = a.lowHalf + a.highHalf
        let c = b.lowHalf + b.highHalf
        return c[0] + c[1]
    }

    /// The reference for `dot`: one running sum in index order.
    static func plainDot(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// The reference for `squaredDistance`.
    static func plainSquaredDistance(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    }

    /// `v / ‖v‖` (a zero vector is returned unchanged).
    static func normalized(_ v: [Float]) -> [Float] {
        let n = v.withUnsafeBufferPointer { p in
            p.baseAddress.map { dot($0, $0, count: p.count) } ?? 0
        }.squareRoot()
        return n > 0 ? v.map { $0 / n } : v
    }
}
