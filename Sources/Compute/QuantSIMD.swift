// SIMD idioms for the quantized kernels, written as per-lane loops that LLVM turns into single
// vector instructions. The standard library's converting initialisers
// (`SIMD16<Float>(SIMD16<Int32>)`, `SIMD16<Int32>(truncatingIfNeeded: SIMD16<Int8>)`, ...) are
// out-of-line generic calls that pass vectors in xmm pieces; these stay inline.

/// Int32 lanes as Float (`vcvtdq2ps`).
@inline(__always)
func floats(_ v: SIMD16<Int32>) -> SIMD16<Float> {
    var f = SIMD16<Float>()
    for i in 0..<16 { f[i] = Float(v[i]) }
    return f
}

/// Signed bytes widened to Int32 lanes (`vpmovsxbd`).
@inline(__always)
func widen(_ v: SIMD16<Int8>) -> SIMD16<Int32> {
    var w = SIMD16<Int32>()
    for i in 0..<16 { w[i] = Int32(v[i]) }
    return w
}

/// Unsigned bytes widened to Int32 lanes (`vpmovzxbd`).
@inline(__always)
func widen(_ v: SIMD16<UInt8>) -> SIMD16<Int32> {
    var w = SIMD16<Int32>()
    for i in 0..<16 { w[i] = Int32(v[i]) }
    return w
}

/// The low byte of each Int32 lane (`vpmovdb`).
@inline(__always)
func narrowToBytes(_ v: SIMD16<Int32>) -> SIMD16<Int8> {
    var b = SIMD16<Int8>()
    for i in 0..<16 { b[i] = Int8(truncatingIfNeeded: v[i]) }
    return b
}

/// Lane-wise round to nearest, ties to even, as Int32 (valid for |v| < 2^22): adding 1.5 * 2^23
/// leaves the rounded integer in the low mantissa bits.
@inline(__always)
func roundToNearestEven(_ v: SIMD16<Float>) -> SIMD16<Int32> {
    let shifted = v + SIMD16<Float>(repeating: 12_582_912)
    return unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
}

/// Lane-wise |v|.
@inline(__always)
func absolute(_ v: SIMD16<Float>) -> SIMD16<Float> {
    unsafeBitCast(unsafeBitCast(v, to: SIMD16<UInt32>.self) & 0x7fff_ffff, to: SIMD16<Float>.self)
}

/// Lane-wise maximum by compare and select (no per-lane NaN handling calls).
@inline(__always)
func maximum(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
    a.replacing(with: b, where: b .> a)
}

/// The largest lane, by halving.
@inline(__always)
func horizontalMax(_ v: SIMD16<Float>) -> Float {
    let m8 = maximum(v.lowHalf, v.highHalf)
    let m4 = m8.lowHalf.replacing(with: m8.highHalf, where: m8.highHalf .> m8.lowHalf)
    let m2 = m4.lowHalf.replacing(with: m4.highHalf, where: m4.highHalf .> m4.lowHalf)
    return max(m2[0], m2[1])
}

@inline(__always)
func maximum(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    a.replacing(with: b, where: b .> a)
}

/// The sum of the lanes, by halving (a fixed order: lanes 0-7 + 8-15, then 0-3 + 4-7, ...).
@inline(__always)
func horizontalSum(_ v: SIMD16<Float>) -> Float {
    let s8 = v.lowHalf + v.highHalf
    let s4 = s8.lowHalf + s8.highHalf
    let s2 = s4.lowHalf + s4.highHalf
    return s2[0] + s2[1]
}

/// The sum of the lanes.
@inline(__always)
func horizontalSum(_ v: SIMD16<Int32>) -> Int32 {
    let s8 = v.lowHalf &+ v.highHalf
    let s4 = s8.lowHalf &+ s8.highHalf
    let s2 = s4.lowHalf &+ s4.highHalf
    return s2[0] &+ s2[1]
}
