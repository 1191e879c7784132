extension Quant {
    /// Quantizes one activation row for a dot product with weights of `weightType`, to
    /// `activationType(for: weightType)`: Q8_0, Q8_1 or Q8_K blocks, or F32 (a copy). Results are
    /// byte-identical to `quantizeActivationRowReference` (llama.cpp's x86 behaviour).
    ///   x: `count` floats, `count` a whole number of the weight type's blocks
    ///   dst: `activationRowBytes(for: weightType, count: count)` bytes
    public static func quantizeActivationRow(_ x: UnsafePointer<Float>, count: Int, for weightType: GGMLType,
                                             into dst: UnsafeMutableRawPointer) {
        guard let type = activationType(for: weightType), type.rowBytes(count) != nil,
              weightType.rowBytes(count) != nil else {
            preconditionFailure("quantizeActivationRow: \(count) values of \(weightType) weights are not supported")
        }
        switch type {
        case .q8_0:
            for b in 0..<count / 32 { quantizeQ8_0or1(x + 32 * b, dst + 34 * b, withSum: false) }
        case .q8_1:
            for b in 0..<count / 32 { quantizeQ8_0or1(x + 32 * b, dst + 36 * b, withSum: true) }
        case .q8_K:
            for b in 0..<count / 256 { quantizeQ8_K(x + 256 * b, dst + 292 * b) }
        default:
            dst.copyMemory(from: x, byteCount: 4 * count)
        }
    }

    @inline(__always)
    static func quantizeQ8_0or1(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, withSum: Bool) {
        let raw = UnsafeRawPointer(x)
        let v0 = raw.loadUnaligned(as: SIMD16<Float>.self)
        let v1 = raw.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
        let amax = horizontalMax(maximum(absolute(v0), absolute(v1)))
        let d = amax / 127
        let id: Float = amax != 0 ? 127 / amax : 0
        let q0 = roundToNearestEven(v0 * id), q1 = roundToNearestEven(v1 * id)
        let qsOffset = withSum ? 4 : 2
        y.storeBytes(of: narrowToBytes(q0), toByteOffset: qsOffset, as: SIMD16<Int8>.self)
        y.storeBytes(of: narrowToBytes(q1), toByteOffset: qsOffset + 16, as: SIMD16<Int8>.self)
        y.storeBytes(of: Half.floatToF16(d), as: UInt16.self)
        if withSum {
            let sum = horizontalSum(q0 &+ q1)
            y.storeBytes(of: Half.floatToF16(d * Float(sum)), toByteOffset: 2, as: UInt16.self)
        }
    }

    @inline(__always)
    static func quantizeQ8_K(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer) {
        let raw = UnsafeRawPointer(x)
        // The first value of largest magnitude, with its sign: per-lane first maxima (strict >
        // keeps the earliest), then the lowest index among the lanes that reach the maximum.
        var best = SIMD16<Float>(repeating: 0)
        var bestIndex = SIMD16<Int32>(repeating: 0)
        var index = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        for i in 0..<16 {
            let a = absolute(raw.loadUnaligned(fromByteOffset: 64 * i, as: SIMD16<Float>.self))
            let better = a .> best
            best.replace(with: a, where: better)
            bestIndex.replace(with: index, where: better)
            index &+= 16
        }
        let amax = horizontalMax(best)
        guard amax != 0 else {
            y.initializeMemory(as: UInt8.self, repeating: 0, count: 292)
            return
        }
        var first = Int32.max
        for i in 0..<16 where best[i] == amax { first = min(first, bestIndex[i]) }
        let iscale = -127 / x[Int(first)]
        var sums = SIMD16<Int16>()
        for i in 0..<16 {
            let v = raw.loadUnaligned(fromByteOffset: 64 * i, as: SIMD16<Float>.self)
            let q = roundToNearestEven(v * iscale)
            let clamped = q.replacing(with: 127, where: q .> 127)
            y.storeBytes(of: narrowToBytes(clamped), toByteOffset: 4 + 16 * i, as: SIMD16<Int8>.self)
            sums[i] = Int16(truncatingIfNeeded: horizontalSum(clamped))
        }
        y.storeBytes(of: sums, toByteOffset: 260, as: SIMD16<Int16>.self)
        y.storeBytes(of: 1 / iscale, as: Float.self)
    }
}

// SIMD helpers of this file, kept here: debug builds compile the module file by file and do
// not inline across files. Per-lane loops become single vector instructions; the standard
// library's converting initialisers would be out-of-line calls.

/// Lane-wise round to nearest, ties to even, as Int32 (valid for |v| < 2^22): adding 1.5 * 2^23
/// leaves the rounded integer in the low mantissa bits.
@inline(__always)
private func roundToNearestEven(_ v: SIMD16<Float>) -> SIMD16<Int32> {
    let shifted = v + SIMD16<Float>(repeating: 12_582_912)
    return unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
}

/// The low byte of each Int32 lane (`vpmovdb`).
@inline(__always)
private func narrowToBytes(_ v: SIMD16<Int32>) -> SIMD16<Int8> {
    var b = SIMD16<Int8>()
    for i in 0..<16 { b[i] = Int8(truncatingIfNeeded: v[i]) }
    return b
}

/// Lane-wise |v|.
@inline(__always)
private func absolute(_ v: SIMD16<Float>) -> SIMD16<Float> {
    unsafeBitCast(unsafeBitCast(v, to: SIMD16<UInt32>.self) & 0x7fff_ffff, to: SIMD16<Float>.self)
}

/// Lane-wise maximum by compare and select (no per-lane NaN handling calls).
@inline(__always)
private func maximum(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
    a.replacing(with: b, where: b .> a)
}

@inline(__always)
private func maximum(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    a.replacing(with: b, where: b .> a)
}

/// The largest lane, by halving.
@inline(__always)
private func horizontalMax(_ v: SIMD16<Float>) -> Float {
    let m8 = maximum(v.lowHalf, v.highHalf)
    let m4 = m8.lowHalf.replacing(with: m8.highHalf, where: m8.highHalf .> m8.lowHalf)
    let m2 = m4.lowHalf.replacing(with: m4.highHalf, where: m4.highHalf .> m4.lowHalf)
    return max(m2[0], m2[1])
}

/// The sum of the lanes.
@inline(__always)
private func horizontalSum(_ v: SIMD16<Int32>) -> Int32 {
    let s8 = v.lowHalf &+ v.highHalf
    let s4 = s8.lowHalf &+ s8.highHalf
    let s2 = s4.lowHalf &+ s4.highHalf
    return s2[0] &+ s2[1]
}
