/// Half-precision storage formats: IEEE f16 (`Float16`) and bfloat16, as raw `UInt16` bits.
///
/// Conversions to f32 are exact. Conversions from f32 round to nearest, ties to even, as ggml's
/// `GGML_FP32_TO_FP16` (F16C `vcvtps2ph`) and `GGML_FP32_TO_BF16` do; a NaN stays a NaN.
public enum Half {
    /// The f32 value of the f16 bits `h`.
    @inlinable @inline(__always)
    public static func f16ToFloat(_ h: UInt16) -> Float { Float(Float16(bitPattern: h)) }

    /// The f16 bits nearest to `x` (ties to even; overflow gives ±infinity).
    @inlinable @inline(__always)
    public static func floatToF16(_ x: Float) -> UInt16 { Float16(x).bitPattern }

    /// The f32 value of the bf16 bits `h` (bf16 is the top half of an f32).
    @inlinable @inline(__always)
    public static func bf16ToFloat(_ h: UInt16) -> Float { Float(bitPattern: UInt32(h) << 16) }

    /// The bf16 bits nearest to `x` (ties to even); a NaN becomes a quiet NaN, as in ggml.
    @inlinable @inline(__always)
    public static func floatToBF16(_ x: Float) -> UInt16 {
        let u = x.bitPattern
        if u & 0x7fff_ffff > 0x7f80_0000 { return UInt16(truncatingIfNeeded: u >> 16) | 64 }
        return UInt16(truncatingIfNeeded: (u &+ 0x7fff &+ ((u >> 16) & 1)) >> 16)
    }

    /// dst[i] = f32(src[i]) for i in 0..<count; src holds f16 bits.
    public static func f16ToFloat(_ src: UnsafePointer<UInt16>, count: Int, into dst: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 16 <= count {
            let h = UnsafeRawPointer(src + i).loadUnaligned(as: SIMD16<Float16>.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: floats(h), as: SIMD16<Float>.self)
            i += 16
        }
        while i < count { dst[i] = f16ToFloat(src[i]); i += 1 }
    }

    /// dst[i] = f16(src[i]) for i in 0..<count, rounded to nearest even.
    public static func floatToF16(_ src: UnsafePointer<Float>, count: Int, into dst: UnsafeMutablePointer<UInt16>) {
        var i = 0
        while i + 16 <= count {
            let f = UnsafeRawPointer(src + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: halves(f), as: SIMD16<Float16>.self)
            i += 16
        }
        while i < count { dst[i] = floatToF16(src[i]); i += 1 }
    }

    /// dst[i] = f32(src[i]) for i in 0..<count; src holds bf16 bits.
    public static func bf16ToFloat(_ src: UnsafePointer<UInt16>, count: Int, into dst: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 16 <= count {
            let h = UnsafeRawPointer(src + i).loadUnaligned(as: SIMD16<UInt16>.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: bf16Widen(h), as: SIMD16<Float>.self)
            i += 16
        }
        while i < count { dst[i] = bf16ToFloat(src[i]); i += 1 }
    }

    /// dst[i] = bf16(src[i]) for i in 0..<count, rounded to nearest even (NaN stays NaN).
    public static func floatToBF16(_ src: UnsafePointer<Float>, count: Int, into dst: UnsafeMutablePointer<UInt16>) {
        var i = 0
        while i + 16 <= count {
            let u = UnsafeRawPointer(src + i).loadUnaligned(as: SIMD16<UInt32>.self)
            let rounded = (u &+ 0x7fff &+ ((u &>> 16) & 1)) &>> 16
            let quietNaN = (u &>> 16) | 64
            let bits = rounded.replacing(with: quietNaN, where: (u & 0x7fff_ffff) .> 0x7f80_0000)
            var narrow = SIMD16<UInt16>()
            for k in 0..<16 { narrow[k] = UInt16(truncatingIfNeeded: bits[k]) }
            UnsafeMutableRawPointer(dst + i).storeBytes(of: narrow, as: SIMD16<UInt16>.self)
            i += 16
        }
        while i < count { dst[i] = floatToBF16(src[i]); i += 1 }
    }

    /// 16 bf16 values as f32: each 16-bit pattern becomes the high half of a 32-bit one
    /// (a per-lane loop, which becomes `vpmovzxwd` + `vpslld`; the converting initialiser
    /// would be an out-of-line call).
    @inline(__always)
    static func bf16Widen(_ h: SIMD16<UInt16>) -> SIMD16<Float> {
        var wide = SIMD16<UInt32>()
        for i in 0..<16 { wide[i] = UInt32(h[i]) &<< 16 }
        return unsafeBitCast(wide, to: SIMD16<Float>.self)
    }
}

// SIMD helpers of this file, kept here: debug builds compile the module file by file and do
// not inline across files. Per-lane loops become single vector instructions; the standard
// library's converting initialisers would be out-of-line calls.

/// f16 lanes as Float (`vcvtph2ps`).
@inline(__always)
private func floats(_ v: SIMD16<Float16>) -> SIMD16<Float> {
    var f = SIMD16<Float>()
    for i in 0..<16 { f[i] = Float(v[i]) }
    return f
}

/// Float lanes rounded to f16, ties to even (`vcvtps2ph`).
@inline(__always)
private func halves(_ v: SIMD16<Float>) -> SIMD16<Float16> {
    var h = SIMD16<Float16>()
    for i in 0..<16 { h[i] = Float16(v[i]) }
    return h
}
