// Tiles of F32, F16 and BF16 weight rows against f32 activation rows, pure Swift.
//
// A 4x4 micro-kernel (16 SIMD16<Float> accumulators, one FMA per weight-activation pair of 16
// values) for cols > 1; for cols == 1 one row at a time with 4 accumulators, which reads the
// matrix as one sequential stream that the hardware prefetcher follows at full bandwidth.

/// How a row of float weights is stored.
protocol FloatWeightFormat {
    /// Bytes per value.
    static var bytesPerValue: Int { get }
    /// Values i..<i+16 of the row at p, as f32.
    static func load16(_ p: UnsafeRawPointer, _ i: Int) -> SIMD16<Float>
    /// Value i of the row at p, as f32.
    static func load1(_ p: UnsafeRawPointer, _ i: Int) -> Float
}

enum F32Weights: FloatWeightFormat {
    static var bytesPerValue: Int { 4 }
    @inline(__always) static func load16(_ p: UnsafeRawPointer, _ i: Int) -> SIMD16<Float> {
        p.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
    }
    @inline(__always) static func load1(_ p: UnsafeRawPointer, _ i: Int) -> Float {
        p.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
    }
}

enum F16Weights: FloatWeightFormat {
    static var bytesPerValue: Int { 2 }
    @inline(__always) static func load16(_ p: UnsafeRawPointer, _ i: Int) -> SIMD16<Float> {
        // the lane loop is `vcvtph2ps`; written here, not through a helper, because the 4x4
        // kernel is too large for the inliner to take even @inline(__always) helpers
        let h = p.loadUnaligned(fromByteOffset: 2 * i, as: SIMD16<Float16>.self)
        var f = SIMD16<Float>()
        for k in 0..<16 { f[k] = Float(h[k]) }
        return f
    }
    @inline(__always) static func load1(_ p: UnsafeRawPointer, _ i: Int) -> Float {
        Half.f16ToFloat(p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
    }
}

enum BF16Weights: FloatWeightFormat {
    static var bytesPerValue: Int { 2 }
    @inline(__always) static func load16(_ p: UnsafeRawPointer, _ i: Int) -> SIMD16<Float> {
        let h = p.loadUnaligned(fromByteOffset: 2 * i, as: SIMD16<UInt16>.self)
        var wide = SIMD16<UInt32>()
        for k in 0..<16 { wide[k] = UInt32(h[k]) &<< 16 }
        return unsafeBitCast(wide, to: SIMD16<Float>.self)
    }
    @inline(__always) static func load1(_ p: UnsafeRawPointer, _ i: Int) -> Float {
        Half.bf16ToFloat(p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
    }
}

extension BlockDot {
    static func floatTile(_ type: GGMLType, _ w: UnsafeRawPointer, _ wStride: Int, _ rows: Int,
                          _ a: UnsafeRawPointer, _ aStride: Int, _ cols: Int, _ length: Int,
                          _ out: UnsafeMutablePointer<Float>, _ outStride: Int) {
        switch type {
        case .f32: floatTile(F32Weights.self, w, wStride, rows, a, aStride, cols, length, out, outStride)
        case .f16: floatTile(F16Weights.self, w, wStride, rows, a, aStride, cols, length, out, outStride)
        default: floatTile(BF16Weights.self, w, wStride, rows, a, aStride, cols, length, out, outStride)
        }
    }

    @inline(__always)
    static func floatTile<F: FloatWeightFormat>(_ format: F.Type, _ w: UnsafeRawPointer, _ wStride: Int, _ rows: Int,
                                                _ a: UnsafeRawPointer, _ aStride: Int, _ cols: Int, _ length: Int,
                                                _ out: UnsafeMutablePointer<Float>, _ outStride: Int) {
        if cols == 1 {
            for r in 0..<rows { out[r] = floatDot(F.self, w + r * wStride, a, length) }
            return
        }
        // F32: K in slices of 1024 values, so that a micro-kernel's 4 weight and 4 activation
        // slices (32 KiB) stay in L1 (K = 4864: 55 -> 75 GMAC/s); partial sums accumulate in `out`.
        // F16/BF16 rows are half the size and measured faster unsliced.
        let slice = F.bytesPerValue == 4 ? 1024 : Int.max
        var c0 = 0
        while c0 < cols {
            var k0 = 0
            while k0 < length {
                let n = min(slice, length - k0)
                var r0 = 0
                while r0 < rows {
                    floatMicroKernel4x4(F.self, w + k0 * F.bytesPerValue, wStride, r0, rows,
                                        a + 4 * k0, aStride, c0, cols, n, out, outStride, accumulate: k0 > 0)
                    r0 += 4
                }
                k0 += n
            }
            c0 += 4
        }
    }

    /// One row against one activation row: 4 accumulators over 64 values per step.
    @inline(__always)
    static func floatDot<F: FloatWeightFormat>(_ format: F.Type, _ w: UnsafeRawPointer, _ a: UnsafeRawPointer,
                                               _ n: Int) -> Float {
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>(), s2 = SIMD16<Float>(), s3 = SIMD16<Float>()
        var i = 0
        while i + 64 <= n {
            s0.addProduct(F.load16(w, i), F32Weights.load16(a, i))
            s1.addProduct(F.load16(w, i + 16), F32Weights.load16(a, i + 16))
            s2.addProduct(F.load16(w, i + 32), F32Weights.load16(a, i + 32))
            s3.addProduct(F.load16(w, i + 48), F32Weights.load16(a, i + 48))
            i += 64
        }
        while i + 16 <= n {
            s0.addProduct(F.load16(w, i), F32Weights.load16(a, i))
            i += 16
        }
        var sum = horizontalSum((s0 + s1) + (s2 + s3))
        while i < n {
            sum += F.load1(w, i) * F32Weights.load1(a, i)
            i += 1
        }
        return sum
    }

    /// Rows r0..<r0+4 x columns c0..<c0+4, clamped to the tile: missing rows or columns repeat the
    /// last one and are not stored.
    @inline(__always)
    static func floatMicroKernel4x4<F: FloatWeightFormat>(
        _ format: F.Type, _ w: UnsafeRawPointer, _ wStride: Int, _ r0: Int, _ rows: Int,
        _ a: UnsafeRawPointer, _ aStride: Int, _ c0: Int, _ cols: Int, _ n: Int,
        _ out: UnsafeMutablePointer<Float>, _ outStride: Int, accumulate: Bool
    ) {
        let lastRow = rows - 1, lastCol = cols - 1
        let w0: UnsafeRawPointer = w + r0 * wStride
        let w1: UnsafeRawPointer = w + min(r0 + 1, lastRow) * wStride
        let w2: UnsafeRawPointer = w + min(r0 + 2, lastRow) * wStride
        let w3: UnsafeRawPointer = w + min(r0 + 3, lastRow) * wStride
        let a0: UnsafeRawPointer = a + c0 * aStride
        let a1: UnsafeRawPointer = a + min(c0 + 1, lastCol) * aStride
        let a2: UnsafeRawPointer = a + min(c0 + 2, lastCol) * aStride
        let a3: UnsafeRawPointer = a + min(c0 + 3, lastCol) * aStride
        var s00 = SIMD16<Float>(), s01 = SIMD16<Float>(), s02 = SIMD16<Float>(), s03 = SIMD16<Float>()
        var s10 = SIMD16<Float>(), s11 = SIMD16<Float>(), s12 = SIMD16<Float>(), s13 = SIMD16<Float>()
        var s20 = SIMD16<Float>(), s21 = SIMD16<Float>(), s22 = SIMD16<Float>(), s23 = SIMD16<Float>()
        var s30 = SIMD16<Float>(), s31 = SIMD16<Float>(), s32 = SIMD16<Float>(), s33 = SIMD16<Float>()
        var i = 0
        while i + 16 <= n {
            let x0 = F.load16(w0, i), x1 = F.load16(w1, i), x2 = F.load16(w2, i), x3 = F.load16(w3, i)
            var y = F32Weights.load16(a0, i)
            s00.addProduct(x0, y); s10.addProduct(x1, y); s20.addProduct(x2, y); s30.addProduct(x3, y)
            y = F32Weights.load16(a1, i)
            s01.addProduct(x0, y); s11.addProduct(x1, y); s21.addProduct(x2, y); s31.addProduct(x3, y)
            y = F32Weights.load16(a2, i)
            s02.addProduct(x0, y); s12.addProduct(x1, y); s22.addProduct(x2, y); s32.addProduct(x3, y)
            y = F32Weights.load16(a3, i)
            s03.addProduct(x0, y); s13.addProduct(x1, y); s23.addProduct(x2, y); s33.addProduct(x3, y)
            i += 16
        }
        let nr = min(4, rows - r0), nc = min(4, cols - c0), tail = i
        func finish(_ s: SIMD16<Float>, _ r: Int, _ c: Int, _ wr: UnsafeRawPointer, _ ac: UnsafeRawPointer) {
            guard r < nr, c < nc else { return }
            var sum = horizontalSum(s)
            for j in tail..<n { sum += F.load1(wr, j) * F32Weights.load1(ac, j) }
            let o = out + (c0 + c) * outStride + r0 + r
            o.pointee = accumulate ? o.pointee + sum : sum
        }
        finish(s00, 0, 0, w0, a0); finish(s01, 0, 1, w0, a1); finish(s02, 0, 2, w0, a2); finish(s03, 0, 3, w0, a3)
        finish(s10, 1, 0, w1, a0); finish(s11, 1, 1, w1, a1); finish(s12, 1, 2, w1, a2); finish(s13, 1, 3, w1, a3)
        finish(s20, 2, 0, w2, a0); finish(s21, 2, 1, w2, a1); finish(s22, 2, 2, w2, a2); finish(s23, 2, 3, w2, a3)
        finish(s30, 3, 0, w3, a0); finish(s31, 3, 1, w3, a1); finish(s32, 3, 2, w3, a2); finish(s33, 3, 3, w3, a3)
    }
}

/// The sum of the lanes, by halving (a fixed order: lanes 0-7 + 8-15, then 0-3 + 4-7, ...).
@inline(__always)
func horizontalSum(_ v: SIMD16<Float>) -> Float {
    let s8 = v.lowHalf + v.highHalf
    let s4 = s8.lowHalf + s8.highHalf
    let s2 = s4.lowHalf + s4.highHalf
    return s2[0] + s2[1]
}
