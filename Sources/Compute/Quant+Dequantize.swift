extension Quant {
    /// Dequantizes one row: dst[0..<count] = the values of the `count` elements at `src`.
    /// SIMD, 16 values at a time, with the same arithmetic as `dequantizeRowReference`, so the
    /// results are bit-identical to it (and to ggml). Used for embedding-row gathers.
    ///   src: `type.rowBytes(count)` bytes; dst: `count` floats
    public static func dequantizeRow(_ type: GGMLType, _ src: UnsafeRawPointer, count: Int,
                                     into dst: UnsafeMutablePointer<Float>) {
        precondition(type.isSupported, "dequantizeRow: \(type) is not supported")
        precondition(count % type.blockSize == 0, "dequantizeRow: \(count) values are not whole \(type) blocks")
        let blocks = count / type.blockSize
        switch type {
        case .f32: dst.update(from: src.assumingMemoryBound(to: Float.self), count: count)
        case .f16: Half.f16ToFloat(src.assumingMemoryBound(to: UInt16.self), count: count, into: dst)
        case .bf16: Half.bf16ToFloat(src.assumingMemoryBound(to: UInt16.self), count: count, into: dst)
        case .q8_0:
            for b in 0..<blocks {
                let block = src + 34 * b, d = f16(block, 0)
                for h in 0..<2 {
                    let q = block.loadUnaligned(fromByteOffset: 2 + 16 * h, as: SIMD16<Int8>.self)
                    store(floats(widen(q)) * d, dst + 32 * b + 16 * h)
                }
            }
        case .q4_0: for b in 0..<blocks { dequantize32(src + 18 * b, dst + 32 * b, qs: 2, qh: nil, min: false, offset: 8) }
        case .q4_1: for b in 0..<blocks { dequantize32(src + 20 * b, dst + 32 * b, qs: 4, qh: nil, min: true, offset: 0) }
        case .q5_0: for b in 0..<blocks { dequantize32(src + 22 * b, dst + 32 * b, qs: 6, qh: 2, min: false, offset: 16) }
        case .q5_1: for b in 0..<blocks { dequantize32(src + 24 * b, dst + 32 * b, qs: 8, qh: 4, min: true, offset: 0) }
        case .q4_K: for b in 0..<blocks { dequantizeQ4_KQ5_K(src + 144 * b, dst + 256 * b, fifthBits: false) }
        case .q5_K: for b in 0..<blocks { dequantizeQ4_KQ5_K(src + 176 * b, dst + 256 * b, fifthBits: true) }
        default:
            for b in 0..<blocks { dequantizeQ6_K(src + 210 * b, dst + 256 * b) }
        }
    }

    @inline(__always)
    static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    /// Lanes j = 0..<16 get bit (j + shift) of `bits`, times 16.
    @inline(__always)
    static func fifthBits(_ bits: UInt32, shift: UInt32) -> SIMD16<Int32> {
        let lane = SIMD16<UInt32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        return unsafeBitCast(((SIMD16(repeating: bits) &>> (lane &+ shift)) & 1) &<< 4, to: SIMD16<Int32>.self)
    }

    /// One Q4_0/Q4_1/Q5_0/Q5_1 block (32 values): nibbles at byte `qs`, fifth bits at byte `qh`
    /// (nil: none), an f16 min after d when `min`, and `offset` subtracted from each q.
    @inline(__always)
    static func dequantize32(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>,
                             qs: Int, qh: Int?, min: Bool, offset: Int32) {
        let d = f16(block, 0)
        let bytes = widen(block.loadUnaligned(fromByteOffset: qs, as: SIMD16<UInt8>.self))
        var low = bytes & 0xF, high = bytes &>> 4
        if let qh {
            let bits = block.loadUnaligned(fromByteOffset: qh, as: UInt32.self)
            low |= fifthBits(bits, shift: 0)
            high |= fifthBits(bits, shift: 16)
        }
        if min {
            let m = f16(block, 2)
            store(floats(low) * d + m, y); store(floats(high) * d + m, y + 16)
        } else {
            store(floats(low &- offset) * d, y); store(floats(high &- offset) * d, y + 16)
        }
    }

    /// One Q4_K/Q5_K super-block (256 values): chunks of 64, low nibbles then high nibbles.
    @inline(__always)
    static func dequantizeQ4_KQ5_K(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, fifthBits: Bool) {
        let d = f16(block, 0), dmin = f16(block, 2)
        let qs = block + (fifthBits ? 48 : 16)
        for k in 0..<4 {
            let (sc0, m0) = unpackScalesMins(block + 4, 2 * k), (sc1, m1) = unpackScalesMins(block + 4, 2 * k + 1)
            let d0 = d * Float(sc0), min0 = dmin * Float(m0), d1 = d * Float(sc1), min1 = dmin * Float(m1)
            for h in 0..<2 {
                let bytes = widen(qs.loadUnaligned(fromByteOffset: 32 * k + 16 * h, as: SIMD16<UInt8>.self))
                var low = bytes & 0xF, high = bytes &>> 4
                if fifthBits {
                    // bit 2k of qh[l] is the fifth bit of value 64k + l, bit 2k+1 that of 64k + 32 + l
                    let qh = widen(block.loadUnaligned(fromByteOffset: 16 + 16 * h, as: SIMD16<UInt8>.self))
                    low |= ((qh &>> Int32(2 * k)) & 1) &<< 4
                    high |= ((qh &>> Int32(2 * k + 1)) & 1) &<< 4
                }
                store(d0 * floats(low) - min0, y + 64 * k + 16 * h)
                store(d1 * floats(high) - min1, y + 64 * k + 32 + 16 * h)
            }
        }
    }

    /// One Q6_K super-block (256 values), in 16-value runs that share one scale.
    @inline(__always)
    static func dequantizeQ6_K(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = f16(block, 208)
        for half in 0..<2 {
            let ql = block + 64 * half, qh = block + 128 + 32 * half
            for h in 0..<2 {
                let l0 = widen(ql.loadUnaligned(fromByteOffset: 16 * h, as: SIMD16<UInt8>.self))
                let l1 = widen(ql.loadUnaligned(fromByteOffset: 32 + 16 * h, as: SIMD16<UInt8>.self))
                let hb = widen(qh.loadUnaligned(fromByteOffset: 16 * h, as: SIMD16<UInt8>.self))
                // quarter q of the half: values 128*half + 32q + 16h + 0..<16
                @inline(__always) func quarter(_ q: Int, _ low: SIMD16<Int32>) {
                    let value = (low | (((hb &>> Int32(2 * q)) & 3) &<< 4)) &- 32
                    let i = 128 * half + 32 * q + 16 * h
                    let scale = Float(block.load(fromByteOffset: 192 + i / 16, as: Int8.self))
                    store(d * scale * floats(value), y + i)
                }
                quarter(0, l0 & 0xF); quarter(1, l1 & 0xF); quarter(2, l0 &>> 4); quarter(3, l1 &>> 4)
            }
        }
    }
}

// SIMD helpers of this file, kept here: debug builds compile the module file by file and do
// not inline across files. Per-lane loops become single vector instructions; the standard
// library's converting initialisers would be out-of-line calls.

/// Int32 lanes as Float (`vcvtdq2ps`).
@inline(__always)
private func floats(_ v: SIMD16<Int32>) -> SIMD16<Float> {
    var f = SIMD16<Float>()
    for i in 0..<16 { f[i] = Float(v[i]) }
    return f
}

/// Signed bytes widened to Int32 lanes (`vpmovsxbd`).
@inline(__always)
private func widen(_ v: SIMD16<Int8>) -> SIMD16<Int32> {
    var w = SIMD16<Int32>()
    for i in 0..<16 { w[i] = Int32(v[i]) }
    return w
}

/// Unsigned bytes widened to Int32 lanes (`vpmovzxbd`).
@inline(__always)
private func widen(_ v: SIMD16<UInt8>) -> SIMD16<Int32> {
    var w = SIMD16<Int32>()
    for i in 0..<16 { w[i] = Int32(v[i]) }
    return w
}
