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
        let amax = Float(bitPattern: horizontalMax(maximum(magnitudeBits(v0), magnitudeBits(v1))))
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
        var m = SIMD16<UInt32>(repeating: 0)
        for i in 0..<16 { m = maximum(m, magnitudeBits(raw.loadUnaligned(fromByteOffset: 64 * i, as: SIMD16<Float>.self))) }
        let amax = Float(bitPattern: horizontalMax(m))
        guard amax != 0 else {
            y.initializeMemory(as: UInt8.self, repeating: 0, count: 292)
            return
        }
        // the first value of largest magnitude, with its sign
        var first = 0
        while abs(x[first]) != amax { first += 1 }
        let iscale = -127 / x[first]
        for i in 0..<16 {
            let v = raw.loadUnaligned(fromByteOffset: 64 * i, as: SIMD16<Float>.self)
            // min(127, round(v)) == round(min(127, v)); a constant operand keeps it one vminps
            let clamped = roundToNearestEven(pointwiseMin(v * iscale, SIMD16(repeating: 127)))
            y.storeBytes(of: narrowToBytes(clamped), toByteOffset: 4 + 16 * i, as: SIMD16<Int8>.self)
            y.storeBytes(of: Int16(truncatingIfNeeded: horizontalSum(clamped)), toByteOffset: 260 + 2 * i, as: Int16.self)
        }
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

/// The bits of |v|, lane-wise. For non-negative floats, the order of the bit patterns as
/// unsigned integers is the order of the values, and integer maxima are single instructions
/// (float compare-and-select compiles to mask shuffling here).
@inline(__always)
private func magnitudeBits(_ v: SIMD16<Float>) -> SIMD16<UInt32> {
    unsafeBitCast(v, to: SIMD16<UInt32>.self) & 0x7fff_ffff
}

/// Lane-wise maximum (`vpmaxud`).
@inline(__always)
private func maximum(_ a: SIMD16<UInt32>, _ b: SIMD16<UInt32>) -> SIMD16<UInt32> {
    var m = SIMD16<UInt32>()
    for i in 0..<16 { m[i] = max(a[i], b[i]) }
    return m
}

/// The largest lane, by halving.
@inline(__always)
private func horizontalMax(_ v: SIMD16<UInt32>) -> UInt32 {
    var m8 = SIMD8<UInt32>()
    for i in 0..<8 { m8[i] = max(v[i], v[i + 8]) }
    var m4 = SIMD4<UInt32>()
    for i in 0..<4 { m4[i] = max(m8[i], m8[i + 4]) }
    return max(max(m4[0], m4[1]), max(m4[2], m4[3]))
}

/// The sum of the lanes, by halving.
@inline(__always)
private func horizontalSum(_ v: SIMD16<Int32>) -> Int32 {
    var s8 = SIMD8<Int32>()
    for i in 0..<8 { s8[i] = v[i] &+ v[i + 8] }
    var s4 = SIMD4<Int32>()
    for i in 0..<4 { s4[i] = s8[i] &+ s8[i + 4] }
    return (s4[0] &+ s4[1]) &+ (s4[2] &+ s4[3])
}
