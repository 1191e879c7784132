extension BlockDot {
    /// Plain scalar dot product of one weight row with one activation row, written for clarity
    /// as ggml's generic C does it: per block, an exact integer dot of the quantized values,
    /// then scaled and summed in f32. The fast `tile` is tested against it.
    ///   weights: `length` values of `weightType` (`weightType.rowBytes(length)` bytes)
    ///   activations: `length` values of `Quant.activationType(for: weightType)`
    ///     (f32 for F32/F16/BF16 weights)
    /// F32/F16/BF16 rows are summed in f64 and rounded once.
    public static func dotReference(_ weightType: GGMLType, weights w: UnsafeRawPointer,
                                    activations a: UnsafeRawPointer, length: Int) -> Float {
        checkShape(weightType, length)
        switch weightType {
        case .f32, .f16, .bf16: return referenceFloat(weightType, w, a, length)
        case .q4_0, .q5_0, .q8_0: return referenceQ8_0Family(weightType, w, a, length / 32)
        case .q4_1, .q5_1: return referenceQ8_1Family(weightType, w, a, length / 32)
        case .q4_K, .q5_K: return referenceQ4_KQ5_K(weightType, w, a, length / 256)
        default: return referenceQ6_K(w, a, length / 256)
        }
    }

    /// The reference twin of `tile`: out[c * outStride + r] = dotReference(weight row r,
    /// activation row c) for r in 0..<rows, c in 0..<cols (strides in bytes, outStride in floats).
    public static func tileReference(_ weightType: GGMLType,
                                     weights: UnsafeRawPointer, weightStride: Int, rows: Int,
                                     activations: UnsafeRawPointer, activationStride: Int, cols: Int,
                                     length: Int, out: UnsafeMutablePointer<Float>, outStride: Int) {
        for c in 0..<cols {
            for r in 0..<rows {
                out[c * outStride + r] = dotReference(weightType, weights: weights + r * weightStride,
                                                      activations: activations + c * activationStride, length: length)
            }
        }
    }

    static func checkShape(_ weightType: GGMLType, _ length: Int) {
        precondition(weightType.isSupported, "BlockDot: \(weightType) weights are not supported")
        precondition(length >= 0 && length % weightType.blockSize == 0,
                     "BlockDot: length \(length) is not a whole number of \(weightType) blocks")
    }

    static func referenceFloat(_ type: GGMLType, _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ n: Int) -> Float {
        var sum = 0.0
        for j in 0..<n {
            let x = Double(a.loadUnaligned(fromByteOffset: 4 * j, as: Float.self))
            let weight: Float
            switch type {
            case .f32: weight = w.loadUnaligned(fromByteOffset: 4 * j, as: Float.self)
            case .f16: weight = Half.f16ToFloat(w.loadUnaligned(fromByteOffset: 2 * j, as: UInt16.self))
            default: weight = Half.bf16ToFloat(w.loadUnaligned(fromByteOffset: 2 * j, as: UInt16.self))
            }
            sum += Double(weight) * x
        }
        return Float(sum)
    }

    /// The signed integer weight value j of a Q4_0/Q5_0/Q8_0 block.
    @inline(__always)
    static func signedValue(_ type: GGMLType, _ block: UnsafeRawPointer, _ j: Int) -> Int32 {
        switch type {
        case .q4_0: return Quant.nibble(block + 2, j) - 8
        case .q5_0: return (Quant.nibble(block + 6, j) | Quant.fifthBit(block + 2, j)) - 16
        default: return Int32(block.load(fromByteOffset: 2 + j, as: Int8.self))
        }
    }

    /// Q4_0/Q5_0/Q8_0 weights . Q8_0 activations: sum_b d_w*d_a * sum_j q_j*a_j.
    static func referenceQ8_0Family(_ type: GGMLType, _ w: UnsafeRawPointer, _ a: UnsafeRawPointer,
                                    _ blocks: Int) -> Float {
        var sum: Float = 0
        for b in 0..<blocks {
            let wb = w + b * type.blockBytes, ab = a + b * 34
            var isum: Int32 = 0
            for j in 0..<32 { isum += signedValue(type, wb, j) * Int32(ab.load(fromByteOffset: 2 + j, as: Int8.self)) }
            sum += Float(isum) * (Quant.f16(wb, 0) * Quant.f16(ab, 0))
        }
        return sum
    }

    /// Q4_1/Q5_1 weights . Q8_1 activations: sum_b d_w*d_a * sum_j q_j*a_j + m_w * s_a.
    static func referenceQ8_1Family(_ type: GGMLType, _ w: UnsafeRawPointer, _ a: UnsafeRawPointer,
                                    _ blocks: Int) -> Float {
        var sum: Float = 0
        for b in 0..<blocks {
            let wb = w + b * type.blockBytes, ab = a + b * 36
            var isum: Int32 = 0
            for j in 0..<32 {
                let q = type == .q4_1 ? Quant.nibble(wb + 4, j) : Quant.nibble(wb + 8, j) | Quant.fifthBit(wb + 4, j)
                isum += q * Int32(ab.load(fromByteOffset: 4 + j, as: Int8.self))
            }
            sum += (Quant.f16(wb, 0) * Quant.f16(ab, 0)) * Float(isum) + Quant.f16(wb, 2) * Quant.f16(ab, 2)
        }
        return sum
    }

    /// Q4_K/Q5_K weights . Q8_K activations, per super-block:
    /// d*da * sum_j sc_j * sum_{i in j} q_i*a_i  -  dmin*da * sum_j m_j * sum_{i in j} a_i.
    static func referenceQ4_KQ5_K(_ type: GGMLType, _ w: UnsafeRawPointer, _ a: UnsafeRawPointer,
                                  _ blocks: Int) -> Float {
        var sum: Float = 0
        for b in 0..<blocks {
            let wb = w + b * type.blockBytes, ab = a + b * 292
            var isum: Int32 = 0, msum: Int32 = 0
            for sub in 0..<8 {
                let (sc, m) = Quant.unpackScalesMins(wb + 4, sub)
                var s: Int32 = 0
                for i in 32 * sub..<32 * sub + 32 {
                    var q = Quant.nibbleK(wb + (type == .q4_K ? 16 : 48), i)
                    if type == .q5_K { q |= Int32((wb.load(fromByteOffset: 16 + i % 32, as: UInt8.self) >> UInt8(sub)) & 1) << 4 }
                    s += q * Int32(ab.load(fromByteOffset: 4 + i, as: Int8.self))
                }
                isum += sc * s
                let bsums = Int32(ab.loadUnaligned(fromByteOffset: 260 + 4 * sub, as: Int16.self))
                    + Int32(ab.loadUnaligned(fromByteOffset: 262 + 4 * sub, as: Int16.self))
                msum += m * bsums
            }
            let da = ab.loadUnaligned(as: Float.self)
            sum += Quant.f16(wb, 0) * da * Float(isum) - Quant.f16(wb, 2) * da * Float(msum)
        }
        return sum
    }

    /// Q6_K weights . Q8_K activations, per super-block: d*da * sum_j sc_j * sum_{i in j} (q_i-32)*a_i.
    static func referenceQ6_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ blocks: Int) -> Float {
        var sum: Float = 0
        for b in 0..<blocks {
            let wb = w + b * 210, ab = a + b * 292
            var isum: Int32 = 0
            for sub in 0..<16 {
                var s: Int32 = 0
                for i in 16 * sub..<16 * sub + 16 {
                    s += (Quant.sixBitsQ6_K(wb, i) - 32) * Int32(ab.load(fromByteOffset: 4 + i, as: Int8.self))
                }
                isum += Int32(wb.load(fromByteOffset: 192 + sub, as: Int8.self)) * s
            }
            sum += Quant.f16(wb, 208) * ab.loadUnaligned(as: Float.self) * Float(isum)
        }
        return sum
    }
}
