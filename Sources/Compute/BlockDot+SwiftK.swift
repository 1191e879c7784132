// The pure-Swift twins of the K-quant micro-kernels (Q4_K, Q5_K, Q6_K weights against Q8_K
// activations), in the plane layout of BlockDot+SwiftTile.swift: a 256-value super-block is four
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
        let qs = p + (type == .q4_K ? 16 : 48) + 32 * k
        @inline(__always) func plane(_ j: Int) -> SIMD16<Int32> {
            let bytes = Planes.bytes(qs, qs, 8 * j)
            var q = (bytes &>> nibbleShift) & 0xF
            if type == .q5_K { q |= ((Planes.bytes(p + 16, p + 16, 8 * j) &>> highShift) & 1) &<< 4 }
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
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>(), acc2 = SIMD16<Float>(), acc3 = SIMD16<Float>()
        var mins0: Float = 0, mins1: Float = 0, mins2: Float = 0, mins3: Float = 0
        for s in 0..<blocks {
            let p = w + s * wb
            var sum0 = SIMD16<Int32>(), sum1 = SIMD16<Int32>(), sum2 = SIMD16<Int32>(), sum3 = SIMD16<Int32>()
            var scales = SIMD8<Int32>(), mins = SIMD8<Int32>()
            if type != .q6_K {
                for j in 0..<8 { (scales[j], mins[j]) = Quant.unpackScalesMins(p + 4, j) }
            }
            for k in 0..<4 {
                let weights = type == .q6_K ? planesQ6_K(p, k)
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
            let d = Quant.f16(p, type == .q6_K ? 208 : 0)
            let dmin = type == .q6_K ? 0 : Quant.f16(p, 2)
            @inline(__always) func finish(_ c: Int, _ sum: SIMD16<Int32>, _ acc: inout SIMD16<Float>, _ minsAcc: inout Float) {
                let q = a + c * aStride + s * 292
                let da = q.loadUnaligned(as: Float.self)
                acc.addProduct(floats(sum), SIMD16(repeating: d * da))
                if type != .q6_K {
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
