extension Quant {
    /// Plain scalar dequantization, written for clarity: the reference that the fast
    /// `dequantizeRow` is tested against. Same arithmetic, in the same order, as ggml's
    /// `dequantize_row_*` (so results are bit-identical to ggml and to gguf-py).
    ///   src: one row of `count` values of `type` (`type.rowBytes(count)` bytes)
    ///   dst: `count` floats
    public static func dequantizeRowReference(_ type: GGMLType, _ src: UnsafeRawPointer, count: Int,
                                              into dst: UnsafeMutablePointer<Float>) {
        precondition(type.isSupported, "dequantizeRow: \(type) is not supported")
        precondition(count % type.blockSize == 0, "dequantizeRow: \(count) values are not whole \(type) blocks")
        let blocks = count / type.blockSize
        for b in 0..<blocks {
            let block = src + b * type.blockBytes
            let y = dst + b * type.blockSize
            switch type {
            case .f32: y[0] = block.loadUnaligned(as: Float.self)
            case .f16: y[0] = Half.f16ToFloat(block.loadUnaligned(as: UInt16.self))
            case .bf16: y[0] = Half.bf16ToFloat(block.loadUnaligned(as: UInt16.self))
            case .q4_0: referenceQ4_0(block, y)
            case .q4_1: referenceQ4_1(block, y)
            case .q5_0: referenceQ5_0(block, y)
            case .q5_1: referenceQ5_1(block, y)
            case .q8_0: referenceQ8_0(block, y)
            case .q4_K: referenceQ4_K(block, y)
            case .q5_K: referenceQ5_K(block, y)
            case .q6_K: referenceQ6_K(block, y)
            default: preconditionFailure("dequantizeRow: \(type) is not supported")
            }
        }
    }

    /// The 4-bit value j (0..<32) of a 32-block whose nibbles start at `qs`.
    @inline(__always)
    static func nibble(_ qs: UnsafeRawPointer, _ j: Int) -> Int32 {
        let byte = qs.load(fromByteOffset: j % 16, as: UInt8.self)
        return Int32(j < 16 ? byte & 0xF : byte >> 4)
    }

    /// The fifth bit (0 or 16) of value j of a 32-block whose `qh` starts at `qh`.
    @inline(__always)
    static func fifthBit(_ qh: UnsafeRawPointer, _ j: Int) -> Int32 {
        Int32((qh.loadUnaligned(as: UInt32.self) >> UInt32(j)) & 1) << 4
    }

    static func referenceQ4_0(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = f16(block, 0)
        for j in 0..<32 { y[j] = Float(nibble(block + 2, j) - 8) * d }
    }

    static func referenceQ4_1(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = f16(block, 0), m = f16(block, 2)
        for j in 0..<32 { y[j] = Float(nibble(block + 4, j)) * d + m }
    }

    static func referenceQ5_0(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = f16(block, 0)
        for j in 0..<32 { y[j] = Float((nibble(block + 6, j) | fifthBit(block + 2, j)) - 16) * d }
    }

    static func referenceQ5_1(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = f16(block, 0), m = f16(block, 2)
        for j in 0..<32 { y[j] = Float(nibble(block + 8, j) | fifthBit(block + 4, j)) * d + m }
    }

    static func referenceQ8_0(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = f16(block, 0)
        for j in 0..<32 { y[j] = Float(block.load(fromByteOffset: 2 + j, as: Int8.self)) * d }
    }

    /// The 4-bit value j (0..<256) of a Q4_K/Q5_K super-block whose `qs` starts at `qs`.
    @inline(__always)
    static func nibbleK(_ qs: UnsafeRawPointer, _ j: Int) -> Int32 {
        let byte = qs.load(fromByteOffset: (j / 64) * 32 + j % 32, as: UInt8.self)
        return Int32(j % 64 < 32 ? byte & 0xF : byte >> 4)
    }

    static func referenceQ4_K(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = f16(block, 0), dmin = f16(block, 2)
        for j in 0..<256 {
            let (sc, m) = unpackScalesMins(block + 4, j / 32)
            y[j] = d * Float(sc) * Float(nibbleK(block + 16, j)) - dmin * Float(m)
        }
    }

    static func referenceQ5_K(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = f16(block, 0), dmin = f16(block, 2)
        for j in 0..<256 {
            let (sc, m) = unpackScalesMins(block + 4, j / 32)
            // bit j/32 of qh[j % 32] is the fifth bit of value j
            let high = Int32((block.load(fromByteOffset: 16 + j % 32, as: UInt8.self) >> UInt8(j / 32)) & 1) << 4
            y[j] = d * Float(sc) * Float(nibbleK(block + 48, j) | high) - dmin * Float(m)
        }
    }

    /// The 6-bit value j (0..<256) of a Q6_K super-block, before the -32 offset.
    @inline(__always)
    static func sixBitsQ6_K(_ block: UnsafeRawPointer, _ j: Int) -> Int32 {
        // Halves of 128 values; in a half, ql[l] and ql[l+32] hold values l, l+32 (low nibbles)
        // and l+64, l+96 (high nibbles); qh[l] holds their two high bits, 2 bits per quarter.
        let half = j / 128, i = j % 128, quarter = i / 32, l = i % 32
        let ql = block.load(fromByteOffset: half * 64 + l + (quarter & 1) * 32, as: UInt8.self)
        let qh = block.load(fromByteOffset: 128 + half * 32 + l, as: UInt8.self)
        let low = quarter < 2 ? ql & 0xF : ql >> 4
        return Int32(low | (((qh >> UInt8(2 * quarter)) & 3) << 4))
    }

    static func referenceQ6_K(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = f16(block, 208)
        for j in 0..<256 {
            let scale = Float(block.load(fromByteOffset: 192 + j / 16, as: Int8.self))
            y[j] = d * scale * Float(sixBitsQ6_K(block, j) - 32)
        }
    }
}
