// The pure-Swift twins of the C micro-kernels: the same tile contract, portable SIMD.
// Everything their inner loops call lives in this file: SwiftPM's debug builds compile a module
// file by file, and then no helper from another file is inlined, even @inline(__always) (5x).
//
// Swift cannot emit `vpdpbusd`, so 64 values (two 32-value blocks A and B) are held as four
// "planes" of Int32 lanes, each lane one signed value:
//     plane k, lane i  =  A[8k + i] (i < 8)   or   B[8k + i - 8] (i >= 8).
// A dot product is then sum_k plane_k(w) * plane_k(a), which LLVM lowers to 16-bit
// multiply-adds (`vpmaddwd`, `vpdpwssd`) since it knows the values fit in 16 bits; lanes 0-7
// belong to block A and 8-15 to block B, as in the C kernels, so block scales apply per lane.

/// 64 values as four planes (see above).
struct Planes {
    var p0, p1, p2, p3: SIMD16<Int32>

    @inline(__always)
    init(p0: SIMD16<Int32>, p1: SIMD16<Int32>, p2: SIMD16<Int32>, p3: SIMD16<Int32>) {
        (self.p0, self.p1, self.p2, self.p3) = (p0, p1, p2, p3)
    }

    /// The lane-wise products summed over the planes: lane i < 8 sums 4 products of block A.
    @inline(__always)
    func dot(_ other: Planes) -> SIMD16<Int32> {
        (p0 &* other.p0 &+ p1 &* other.p1) &+ (p2 &* other.p2 &+ p3 &* other.p3)
    }

    /// `dot(other)` as floats (`vcvtdq2ps`).
    @inline(__always)
    func floatDot(_ other: Planes) -> SIMD16<Float> {
        let sum = dot(other)
        var f = SIMD16<Float>()
        for i in 0..<16 { f[i] = Float(sum[i]) }
        return f
    }

    /// Signed bytes: block A's 32 at `a`, block B's 32 at `b` (B may be nil: zeros).
    @inline(__always)
    init(signedBytes a: UnsafeRawPointer, _ b: UnsafeRawPointer?) {
        @inline(__always) func plane(_ k: Int) -> SIMD16<Int32> {
            let low = a.loadUnaligned(fromByteOffset: 8 * k, as: SIMD8<Int8>.self)
            let high = b?.loadUnaligned(fromByteOffset: 8 * k, as: SIMD8<Int8>.self) ?? SIMD8()
            let bytes = SIMD16(lowHalf: low, highHalf: high)
            var wide = SIMD16<Int32>()
            for i in 0..<16 { wide[i] = Int32(bytes[i]) }    // vpmovsxbd
            return wide
        }
        (p0, p1, p2, p3) = (plane(0), plane(1), plane(2), plane(3))
    }

    /// ggml nibbles (byte j: value j in the low 4 bits, value j+16 in the high 4 bits) of
    /// block A at `a` and block B at `b` (nil: zeros), minus `offset`.
    @inline(__always)
    init(nibbles a: UnsafeRawPointer, _ b: UnsafeRawPointer?, minus offset: Int32) {
        let x = Planes.bytes(a, b, 0), y = Planes.bytes(a, b, 8)
        p0 = (x & 0xF) &- offset
        p1 = (y & 0xF) &- offset
        p2 = (x &>> 4) &- offset
        p3 = (y &>> 4) &- offset
    }

    /// Bytes offset..<offset+8 of A then of B (nil: zeros), zero-extended to Int32 lanes.
    @inline(__always)
    static func bytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer?, _ offset: Int) -> SIMD16<Int32> {
        let low = a.loadUnaligned(fromByteOffset: offset, as: SIMD8<UInt8>.self)
        let high = b?.loadUnaligned(fromByteOffset: offset, as: SIMD8<UInt8>.self) ?? SIMD8()
        let bytes = SIMD16(lowHalf: low, highHalf: high)
        var wide = SIMD16<Int32>()
        for i in 0..<16 { wide[i] = Int32(bytes[i]) }        // vpmovzxbd
        return wide
    }

    /// Adds 16 to the values whose bit is set in `qh` (bit j: value j of a block; lanes 0-7
    /// take their bits from `qhA`, lanes 8-15 from `qhB`).
    @inline(__always)
    mutating func addFifthBits(_ qhA: UInt32, _ qhB: UInt32) {
        let lane = SIMD16<UInt32>(0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7)
        let qh = SIMD16<UInt32>(lowHalf: SIMD8(repeating: qhA), highHalf: SIMD8(repeating: qhB))
        @inline(__always) func bit(_ k: UInt32) -> SIMD16<Int32> {
            unsafeBitCast(((qh &>> (lane &+ 8 * k)) & 1) &<< 4, to: SIMD16<Int32>.self)
        }
        p0 |= bit(0); p1 |= bit(1); p2 |= bit(2); p3 |= bit(3)
    }
}

/// The f16 at byte `offset` of `p`, as f32.
@inline(__always)
private func half(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
    Float(Float16(bitPattern: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
}

/// The 6-bit scales and mins of a Q4_K/Q5_K super-block (see `Quant.unpackScalesMins`).
@inline(__always)
private func scalesAndMins(_ packed: UnsafeRawPointer) -> (scales: SIMD8<Int32>, mins: SIMD8<Int32>) {
    var scales = SIMD8<Int32>(), mins = SIMD8<Int32>()
    let q = packed.assumingMemoryBound(to: UInt8.self)
    for j in 0..<4 {
        scales[j] = Int32(q[j] & 63)
        mins[j] = Int32(q[j + 4] & 63)
        scales[j + 4] = Int32((q[j + 8] & 0xF) | ((q[j] >> 6) << 4))
        mins[j + 4] = Int32((q[j + 8] >> 4) | ((q[j + 4] >> 6) << 4))
    }
    return (scales, mins)
}

/// 16 floats: lanes 0-7 = a, lanes 8-15 = b.
@inline(__always)
func pairVector(_ a: Float, _ b: Float) -> SIMD16<Float> {
    SIMD16(lowHalf: SIMD8(repeating: a), highHalf: SIMD8(repeating: b))
}

extension BlockDot {
    static func swiftTile(_ type: GGMLType, _ w: UnsafeRawPointer, _ wStride: Int, _ rows: Int,
                          _ a: UnsafeRawPointer, _ aStride: Int, _ cols: Int, _ blocks: Int,
                          _ out: UnsafeMutablePointer<Float>, _ outStride: Int) {
        var c0 = 0
        while c0 < cols {
            let nc = min(4, cols - c0)
            for r in 0..<rows {
                let row = w + r * wStride, acts = a + c0 * aStride, o = out + c0 * outStride + r
                switch type {
                case .q4_0, .q5_0, .q8_0: swiftQ8_0Family(type, row, acts, aStride, nc, blocks, o, outStride)
                case .q4_1, .q5_1: swiftQ8_1Family(type, row, acts, aStride, nc, blocks, o, outStride)
                default: swiftKFamily(type, row, acts, aStride, nc, blocks, o, outStride)
                }
            }
            c0 += 4
        }
    }

    /// The weight values of Q4_0/Q5_0/Q8_0 blocks `wa`, `wb` (nil: none) as signed planes.
    @inline(__always)
    static func planesQ8_0Family(_ type: GGMLType, _ wa: UnsafeRawPointer, _ wb: UnsafeRawPointer?) -> Planes {
        switch type {
        case .q4_0: return Planes(nibbles: wa + 2, wb.map { $0 + 2 }, minus: 8)
        case .q5_0:
            var p = Planes(nibbles: wa + 6, wb.map { $0 + 6 }, minus: 0)
            p.addFifthBits(wa.loadUnaligned(fromByteOffset: 2, as: UInt32.self),
                           wb?.loadUnaligned(fromByteOffset: 2, as: UInt32.self) ?? 0)
            p.p0 &-= 16; p.p1 &-= 16; p.p2 &-= 16; p.p3 &-= 16
            return p
        default: return Planes(signedBytes: wa + 2, wb.map { $0 + 2 })
        }
    }

    /// One row of Q4_0/Q5_0/Q8_0 weights against `nc` (1...4) rows of Q8_0 activations.
    @inline(__always)
    static func swiftQ8_0Family(_ type: GGMLType, _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ aStride: Int,
                                _ nc: Int, _ blocks: Int, _ out: UnsafeMutablePointer<Float>, _ outStride: Int) {
        let wb = type.blockBytes
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>(), acc2 = SIMD16<Float>(), acc3 = SIMD16<Float>()
        var b = 0
        while b < blocks {
            let pair = b + 1 < blocks
            let wa = w + b * wb, wNext: UnsafeRawPointer? = pair ? wa + wb : nil
            let weights = planesQ8_0Family(type, wa, wNext)
            let wd = pairVector(half(wa, 0), pair ? half(wa, wb) : 0)
            @inline(__always) func column(_ c: Int) -> SIMD16<Float> {
                let q = a + c * aStride + b * 34
                let acts = Planes(signedBytes: q + 2, pair ? q + 36 : nil)
                let ad = pairVector(half(q, 0), pair ? half(q, 34) : 0)
                return weights.floatDot(acts) * (wd * ad)
            }
            acc0 += column(0)
            if nc > 1 { acc1 += column(1) }
            if nc > 2 { acc2 += column(2) }
            if nc > 3 { acc3 += column(3) }
            b += 2
        }
        storeSums(acc0, acc1, acc2, acc3, nc, out, outStride)
    }

    /// One row of Q4_1/Q5_1 weights against `nc` (1...4) rows of Q8_1 activations; per block
    /// d*da * sum(q*a) + m*s, with s = da * sum(a) from the Q8_1 block.
    @inline(__always)
    static func swiftQ8_1Family(_ type: GGMLType, _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ aStride: Int,
                                _ nc: Int, _ blocks: Int, _ out: UnsafeMutablePointer<Float>, _ outStride: Int) {
        let wb = type.blockBytes
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>(), acc2 = SIMD16<Float>(), acc3 = SIMD16<Float>()
        var b = 0
        while b < blocks {
            let pair = b + 1 < blocks
            let wa = w + b * wb, wNext: UnsafeRawPointer? = pair ? wa + wb : nil
            var weights: Planes
            if case .q4_1 = type {
                weights = Planes(nibbles: wa + 4, wNext.map { $0 + 4 }, minus: 0)
            } else {
                weights = Planes(nibbles: wa + 8, wNext.map { $0 + 8 }, minus: 0)
                weights.addFifthBits(wa.loadUnaligned(fromByteOffset: 4, as: UInt32.self),
                                     wNext?.loadUnaligned(fromByteOffset: 4, as: UInt32.self) ?? 0)
            }
            let wd = pairVector(half(wa, 0), pair ? half(wa, wb) : 0)
            // m*s once per block: in lane 0 (block A) and lane 8 (block B) only
            var wm = SIMD16<Float>()
            wm[0] = half(wa, 2)
            wm[8] = pair ? half(wa, wb + 2) : 0
            @inline(__always) func column(_ c: Int) -> SIMD16<Float> {
                let q = a + c * aStride + b * 36
                let acts = Planes(signedBytes: q + 4, pair ? q + 40 : nil)
                let ad = pairVector(half(q, 0), pair ? half(q, 36) : 0)
                let s = pairVector(half(q, 2), pair ? half(q, 38) : 0)
                return (weights.floatDot(acts) * (wd * ad)).addingProduct(wm, s)
            }
            acc0 += column(0)
            if nc > 1 { acc1 += column(1) }
            if nc > 2 { acc2 += column(2) }
            if nc > 3 { acc3 += column(3) }
            b += 2
        }
        storeSums(acc0, acc1, acc2, acc3, nc, out, outStride)
    }

    /// out[c * outStride] = the lane sum of acc_c, for c < nc.
    @inline(__always)
    static func storeSums(_ acc0: SIMD16<Float>, _ acc1: SIMD16<Float>, _ acc2: SIMD16<Float>, _ acc3: SIMD16<Float>,
                          _ nc: Int, _ out: UnsafeMutablePointer<Float>, _ outStride: Int) {
        out[0] = horizontalSum(acc0)
        if nc > 1 { out[outStride] = horizontalSum(acc1) }
        if nc > 2 { out[2 * outStride] = horizontalSum(acc2) }
        if nc > 3 { out[3 * outStride] = horizontalSum(acc3) }
    }
}


// The pure-Swift twins of the K-quant micro-kernels (Q4_K, Q5_K, Q6_K weights against Q8_K
// activations), in the plane layout above: a 256-value super-block is four
// chunks of 64 values, each chunk two 32-value halves A and B. Weight planes are multiplied by
// their sub-block scales before the dot, so one Int32 sum per super-block collects
// sum_j sc_j * sum(q*a); the float scales apply once per super-block.
extension BlockDot {
    /// Chunk k (values 64k..<64k+64) of a Q4_K/Q5_K super-block at `p`, times the sub-block scales.
    @inline(__always)
    static func planesQ4_KQ5_K(_ type: GGMLType, _ p: UnsafeRawPointer, _ k: Int, _ scales: SIMD16<Int32>) -> Planes {
        // qs[32k + l] holds A[l] (low nibble) and B[l] (high nibble); for Q5_K, bit 2k of qh[l] is
        // the fifth bit of A[l] and bit 2k+1 that of B[l].
        let nibbleShift = SIMD16<Int32>(lowHalf: SIMD8(repeating: 0), highHalf: SIMD8(repeating: 4))
        let highShift = SIMD16<Int32>(lowHalf: SIMD8(repeating: Int32(2 * k)), highHalf: SIMD8(repeating: Int32(2 * k + 1)))
        let q4_K: Bool
        if case .q4_K = type { q4_K = true } else { q4_K = false }
        let qs = p + (q4_K ? 16 : 48) + 32 * k
        @inline(__always) func plane(_ j: Int) -> SIMD16<Int32> {
            let bytes = Planes.bytes(qs, qs, 8 * j)
            var q = (bytes &>> nibbleShift) & 0xF
            if case .q5_K = type { q |= ((Planes.bytes(p + 16, p + 16, 8 * j) &>> highShift) & 1) &<< 4 }
            return q &* scales
        }
        return Planes(p0: plane(0), p1: plane(1), p2: plane(2), p3: plane(3))
    }

    /// Chunk k of a Q6_K super-block at `p` (signed values q - 32), times the sub-block scales.
    @inline(__always)
    static func planesQ6_K(_ p: UnsafeRawPointer, _ k: Int) -> Planes {
        // In half n = k/2 of the super-block, for even k, A[l] (value 128n + l) is the low nibble of
        // ql[64n + l] and B[l] (value 128n + 32 + l) that of ql[64n + 32 + l]; odd k takes the high
        // nibbles (values 128n + 64 + l and 128n + 96 + l). qh[32n + l] holds the two high bits of
        // A[l] and B[l] at bits 4(k%2) and 4(k%2) + 2.
        let n = k / 2, odd = Int32(k % 2)
        let highShift = SIMD16<Int32>(lowHalf: SIMD8(repeating: 4 * odd), highHalf: SIMD8(repeating: 4 * odd + 2))
        let ql = p + 64 * n, qh = p + 128 + 32 * n
        @inline(__always) func plane(_ j: Int) -> SIMD16<Int32> {
            let low = (Planes.bytes(ql, ql + 32, 8 * j) &>> (4 * odd)) & 0xF
            let high = ((Planes.bytes(qh, qh, 8 * j) &>> highShift) & 3) &<< 4
            // values 8j..<8j+8 of A and B lie in sub-blocks 4k + j/2 and 4k + 2 + j/2
            let sa = Int32(p.load(fromByteOffset: 192 + 4 * k + j / 2, as: Int8.self))
            let sb = Int32(p.load(fromByteOffset: 192 + 4 * k + 2 + j / 2, as: Int8.self))
            return ((low | high) &- 32) &* SIMD16(lowHalf: SIMD8(repeating: sa), highHalf: SIMD8(repeating: sb))
        }
        return Planes(p0: plane(0), p1: plane(1), p2: plane(2), p3: plane(3))
    }

    /// One row of Q4_K/Q5_K/Q6_K weights against `nc` (1...4) rows of Q8_K activations.
    @inline(__always)
    static func swiftKFamily(_ type: GGMLType, _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ aStride: Int,
                             _ nc: Int, _ blocks: Int, _ out: UnsafeMutablePointer<Float>, _ outStride: Int) {
        let wb = type.blockBytes
        let q6_K: Bool
        if case .q6_K = type { q6_K = true } else { q6_K = false }
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>(), acc2 = SIMD16<Float>(), acc3 = SIMD16<Float>()
        var mins0: Float = 0, mins1: Float = 0, mins2: Float = 0, mins3: Float = 0
        for s in 0..<blocks {
            let p = w + s * wb
            var sum0 = SIMD16<Int32>(), sum1 = SIMD16<Int32>(), sum2 = SIMD16<Int32>(), sum3 = SIMD16<Int32>()
            let (scales, mins) = q6_K ? (SIMD8<Int32>(), SIMD8<Int32>()) : scalesAndMins(p + 4)
            for k in 0..<4 {
                let weights = q6_K ? planesQ6_K(p, k)
                    : planesQ4_KQ5_K(type, p, k, SIMD16(lowHalf: SIMD8(repeating: scales[2 * k]),
                                                        highHalf: SIMD8(repeating: scales[2 * k + 1])))
                @inline(__always) func chunk(_ c: Int) -> SIMD16<Int32> {
                    let q = a + c * aStride + s * 292 + 4 + 64 * k
                    return weights.dot(Planes(signedBytes: q, q + 32))
                }
                sum0 &+= chunk(0)
                if nc > 1 { sum1 &+= chunk(1) }
                if nc > 2 { sum2 &+= chunk(2) }
                if nc > 3 { sum3 &+= chunk(3) }
            }
            let d = half(p, q6_K ? 208 : 0)
            let dmin = q6_K ? 0 : half(p, 2)
            @inline(__always) func finish(_ c: Int, _ sum: SIMD16<Int32>, _ acc: inout SIMD16<Float>, _ minsAcc: inout Float) {
                let q = a + c * aStride + s * 292
                let da = q.loadUnaligned(as: Float.self)
                var f = SIMD16<Float>()
                for i in 0..<16 { f[i] = Float(sum[i]) }          // vcvtdq2ps
                acc.addProduct(f, SIMD16(repeating: d * da))
                if !q6_K {
                    // mins: sum_j m_j * (bsums[2j] + bsums[2j+1])
                    let bsums = q.loadUnaligned(fromByteOffset: 260, as: SIMD16<Int16>.self)
                    var m: Int32 = 0
                    for j in 0..<8 { m &+= mins[j] &* (Int32(bsums[2 * j]) &+ Int32(bsums[2 * j + 1])) }
                    minsAcc += dmin * da * Float(m)
                }
            }
            finish(0, sum0, &acc0, &mins0)
            if nc > 1 { finish(1, sum1, &acc1, &mins1) }
            if nc > 2 { finish(2, sum2, &acc2, &mins2) }
            if nc > 3 { finish(3, sum3, &acc3, &mins3) }
        }
        out[0] = horizontalSum(acc0) - mins0
        if nc > 1 { out[outStride] = horizontalSum(acc1) - mins1 }
        if nc > 2 { out[2 * outStride] = horizontalSum(acc2) - mins2 }
        if nc > 3 { out[3 * outStride] = horizontalSum(acc3) - mins3 }
    }
}
