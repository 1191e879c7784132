extension Quant {
    /// Plain scalar quantization of an activation row to `activationType(for: weightType)`, the
    /// reference that the fast `quantizeActivationRow` is tested against. It reproduces what
    /// llama.cpp's CPU backend does on x86 (AVX2/AVX-512 builds):
    /// - Q8_0 / Q8_1, per 32 values: `amax = max|x|`, `d = amax / 127` (stored as f16),
    ///   `q = round(x * (127 / amax))` with ties to even (`_mm256_round_ps`; ggml's portable
    ///   reference uses `1/d` and rounds ties away from zero, which differs only on exact ties),
    ///   and for Q8_1 `s = f16(d * Σq)` with d in f32.
    /// - Q8_K, per 256 values: `max` = the first value of largest magnitude, signed;
    ///   `iscale = -127 / max`, `q = min(127, round(iscale * x))` with ties to even,
    ///   `d = 1 / iscale` (f32), and `bsums[j]` = the sum of q over values 16j..<16j+16.
    /// - F32: a copy.
    ///   x: `count` floats; dst: `activationRowBytes(for: weightType, count: count)` bytes.
    public static func quantizeActivationRowReference(_ x: UnsafePointer<Float>, count: Int, for weightType: GGMLType,
                                                      into dst: UnsafeMutableRawPointer) {
        guard let type = activationType(for: weightType), type.rowBytes(count) != nil else {
            preconditionFailure("quantizeActivationRow: \(count) values of \(weightType) weights are not supported")
        }
        for b in 0..<count / type.blockSize {
            let xb = x + b * type.blockSize, yb = dst + b * type.blockBytes
            switch type {
            case .q8_0, .q8_1: referenceQ8_0or1(xb, yb, withSum: type == .q8_1)
            case .q8_K: referenceQ8_K(xb, yb)
            default: yb.storeBytes(of: xb[0], as: Float.self)
            }
        }
    }

    /// Rounds to the nearest integer, ties to even, as SSE/AVX rounding and ggml's
    /// `nearest_int` do (valid for |v| < 2^22).
    @inline(__always)
    static func nearestInt(_ v: Float) -> Int32 {
        Int32(bitPattern: (v + 12_582_912).bitPattern) - 0x4B40_0000
    }

    static func referenceQ8_0or1(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, withSum: Bool) {
        var amax: Float = 0
        for j in 0..<32 { amax = max(amax, abs(x[j])) }
        let d = amax / 127
        let id: Float = amax != 0 ? 127 / amax : 0
        let qsOffset = withSum ? 4 : 2
        var sum: Int32 = 0
        for j in 0..<32 {
            let q = nearestInt(x[j] * id)
            sum &+= q
            y.storeBytes(of: Int8(truncatingIfNeeded: q), toByteOffset: qsOffset + j, as: Int8.self)
        }
        y.storeBytes(of: Half.floatToF16(d), as: UInt16.self)
        if withSum { y.storeBytes(of: Half.floatToF16(d * Float(sum)), toByteOffset: 2, as: UInt16.self) }
    }

    static func referenceQ8_K(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer) {
        var amax: Float = 0, signedMax: Float = 0
        for j in 0..<256 where abs(x[j]) > amax { amax = abs(x[j]); signedMax = x[j] }
        guard amax != 0 else {
            y.initializeMemory(as: UInt8.self, repeating: 0, count: 292)
            return
        }
        let iscale = -127 / signedMax
        for j in 0..<256 {
            let q = min(127, nearestInt(iscale * x[j]))
            y.storeBytes(of: Int8(truncatingIfNeeded: q), toByteOffset: 4 + j, as: Int8.self)
        }
        for j in 0..<16 {
            var sum: Int16 = 0
            for i in 0..<16 { sum += Int16(y.load(fromByteOffset: 4 + 16 * j + i, as: Int8.self)) }
            y.storeBytes(of: sum, toByteOffset: 260 + 2 * j, as: Int16.self)
        }
        y.storeBytes(of: 1 / iscale, as: Float.self)
    }
}
