// The pure-Swift twins of the C micro-kernels: the same tile contract, portable SIMD.
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

    /// Signed bytes: block A's 32 at `a`, block B's 32 at `b` (B may be nil: zeros).
    @inline(__always)
    init(signedBytes a: UnsafeRawPointer, _ b: UnsafeRawPointer?) {
        @inline(__always) func plane(_ k: Int) -> SIMD16<Int32> {
            let low = a.loadUnaligned(fromByteOffset: 8 * k, as: SIMD8<Int8>.self)
            let high = b?.loadUnaligned(fromByteOffset: 8 * k, as: SIMD8<Int8>.self) ?? SIMD8()
            return widen(SIMD16(lowHalf: low, highHalf: high))
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
        return widen(SIMD16(lowHalf: low, highHalf: high))
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
            let wd = pairVector(Quant.f16(wa, 0), pair ? Quant.f16(wa, wb) : 0)
            @inline(__always) func column(_ c: Int) -> SIMD16<Float> {
                let q = a + c * aStride + b * 34
                let acts = Planes(signedBytes: q + 2, pair ? q + 36 : nil)
                let ad = pairVector(Quant.f16(q, 0), pair ? Quant.f16(q, 34) : 0)
                return floats(weights.dot(acts)) * (wd * ad)
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
            if type == .q4_1 {
                weights = Planes(nibbles: wa + 4, wNext.map { $0 + 4 }, minus: 0)
            } else {
                weights = Planes(nibbles: wa + 8, wNext.map { $0 + 8 }, minus: 0)
                weights.addFifthBits(wa.loadUnaligned(fromByteOffset: 4, as: UInt32.self),
                                     wNext?.loadUnaligned(fromByteOffset: 4, as: UInt32.self) ?? 0)
            }
            let wd = pairVector(Quant.f16(wa, 0), pair ? Quant.f16(wa, wb) : 0)
            // m*s once per block: in lane 0 (block A) and lane 8 (block B) only
            var wm = SIMD16<Float>()
            wm[0] = Quant.f16(wa, 2)
            wm[8] = pair ? Quant.f16(wa, wb + 2) : 0
            @inline(__always) func column(_ c: Int) -> SIMD16<Float> {
                let q = a + c * aStride + b * 36
                let acts = Planes(signedBytes: q + 4, pair ? q + 40 : nil)
                let ad = pairVector(Quant.f16(q, 0), pair ? Quant.f16(q, 36) : 0)
                let s = pairVector(Quant.f16(q, 2), pair ? Quant.f16(q, 38) : 0)
                return (floats(weights.dot(acts)) * (wd * ad)).addingProduct(wm, s)
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
