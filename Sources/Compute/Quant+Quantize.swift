extension Quant {
    /// The weight types a model file can be written in by `quantizeRow`.
    public static let writableTypes: [GGMLType] = [.f32, .f16, .bf16, .q8_0]

    /// Encodes one row of weights for a model file: dst = `count` values of `type`.
    /// - F32: a copy; F16 / BF16: rounded to nearest, ties to even (`Half`).
    /// - Q8_0: ggml's `quantize_row_q8_0_ref`, the quantizer llama.cpp's converter and gguf-py use
    ///   for files: per 32 values `d = amax / 127` (f32, stored as f16), `id = 1/d` (0 when d is 0),
    ///   `q = roundf(x · id)`, halfway cases away from zero. This is not the activation quantizer
    ///   (`quantizeActivationRowReference` multiplies by 127/amax and rounds ties to even, as the
    ///   x86 kernels do); the two can differ in the last step of q.
    ///   x: `count` floats (a whole number of blocks); dst: `type.rowBytes(count)` bytes.
    public static func quantizeRow(_ type: GGMLType, _ x: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
        precondition(writableTypes.contains(type), "quantizeRow: \(type) cannot be written")
        precondition(count % type.blockSize == 0, "quantizeRow: \(count) values are not whole \(type) blocks")
        switch type {
        case .f32: dst.copyMemory(from: x, byteCount: 4 * count)
        case .f16: Half.floatToF16(x, count: count, into: dst.bindMemory(to: UInt16.self, capacity: count))
        case .bf16: Half.floatToBF16(x, count: count, into: dst.bindMemory(to: UInt16.self, capacity: count))
        default:
            for b in 0..<count / 32 { quantizeBlockQ8_0(x + 32 * b, dst + 34 * b) }
        }
    }

    /// One Q8_0 block as `quantize_row_q8_0_ref` makes it. x: 32 floats; y: 34 bytes.
    static func quantizeBlockQ8_0(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer) {
        var amax: Float = 0
        for j in 0..<32 { amax = max(amax, abs(x[j])) }
        let d = amax / 127
        let id: Float = d != 0 ? 1 / d : 0
        y.storeBytes(of: Half.floatToF16(d).littleEndian, toByteOffset: 0, as: UInt16.self)
        for j in 0..<32 {
            // C's roundf: to nearest, halfway away from zero. |x·id| ≤ 127 for finite rows; the
            // clamp only keeps non-finite input (which exporters refuse) from trapping.
            let q = (x[j] * id).rounded(.toNearestOrAwayFromZero)
            y.storeBytes(of: q.isNaN ? 0 : Int8(max(-128, min(127, q))), toByteOffset: 2 + j, as: Int8.self)
        }
    }
}
