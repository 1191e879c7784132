@testable import Compute
import TestSupport

/// Random but well-formed rows of weights and activations.
enum QuantTestData {
    /// Offsets of the f16 (or, for Q8_K, f32) scale fields of one block of `type`.
    static func scaleFields(_ type: GGMLType) -> [Int] {
        switch type {
        case .q4_0, .q5_0, .q8_0: return [0]
        case .q4_1, .q5_1, .q4_K, .q5_K: return [0, 2]
        case .q6_K: return [208]
        default: return []
        }
    }

    /// `rows` rows of `length` values of `type`, `stride` bytes apart (>= rowBytes), random
    /// payload bytes with f16 scales in a realistic range. With `unitScales`, every scale is 1
    /// and every min 0 (Q4_1/Q5_1), so that dot products are exact integers in f32.
    static func weights(_ type: GGMLType, rows: Int, length: Int, stride: Int, unitScales: Bool = false,
                        rng: inout SplitMix64) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: max(1, rows * stride))
        let rowBytes = type.rowBytes(length)!
        precondition(stride >= rowBytes)
        for r in 0..<rows {
            for i in 0..<rowBytes { bytes[r * stride + i] = UInt8.random(in: 0...255, using: &rng) }
            switch type {
            case .f32:
                for j in 0..<length { store(Float.random(in: -1...1, using: &rng), &bytes, r * stride + 4 * j) }
            case .f16:
                for j in 0..<length { store(Half.floatToF16(Float.random(in: -1...1, using: &rng)), &bytes, r * stride + 2 * j) }
            case .bf16:
                for j in 0..<length { store(Half.floatToBF16(Float.random(in: -1...1, using: &rng)), &bytes, r * stride + 2 * j) }
            default:
                for b in 0..<length / type.blockSize {
                    let base = r * stride + b * type.blockBytes
                    for (k, field) in scaleFields(type).enumerated() {
                        let value: Float = unitScales ? (k == 0 ? 1 : (type == .q4_K || type == .q5_K ? 1 : 0))
                            : (k == 0 ? Float.random(in: 0.0005...0.02, using: &rng)
                                      : Float.random(in: -0.1...0.1, using: &rng))
                        store(Half.floatToF16(value), &bytes, base + field)
                    }
                    if unitScales && type == .q6_K {
                        // keep the int8 sub-block scales small so sums stay exact in f32
                        for j in 0..<16 { bytes[base + 192 + j] = UInt8(bitPattern: Int8.random(in: -4...4, using: &rng)) }
                    }
                }
            }
        }
        return bytes
    }

    /// `cols` activation rows for `weightType` weights, `stride` bytes apart, made by quantizing
    /// random floats. With `small`, quantized values are in -3...3 and scales 1 (exact sums).
    static func activations(for weightType: GGMLType, cols: Int, length: Int, stride: Int, small: Bool = false,
                            rng: inout SplitMix64) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: max(1, cols * stride))
        let type = Quant.activationType(for: weightType)!
        for c in 0..<cols {
            var x = (0..<length).map { _ in Float.random(in: -2...2, using: &rng) }
            if small { x = x.map { ($0 * 1.5).rounded() } }
            bytes.withUnsafeMutableBytes { dst in
                Quant.quantizeActivationRowReference(x, count: length, for: weightType, into: dst.baseAddress! + c * stride)
            }
            if small && type != .f32 {
                // rewrite each block with scale 1 and the integers themselves (|q| <= 3)
                for b in 0..<length / type.blockSize {
                    let base = c * stride + b * type.blockBytes
                    let qs = base + (type == .q8_1 ? 4 : type == .q8_K ? 4 : 2)
                    var sum = 0
                    for j in 0..<type.blockSize {
                        let q = Int8(x[b * type.blockSize + j])
                        bytes[qs + j] = UInt8(bitPattern: q)
                        sum += Int(q)
                    }
                    switch type {
                    case .q8_K:
                        store(Float(1), &bytes, base)
                        for j in 0..<16 {
                            var s: Int16 = 0
                            for i in 0..<16 { s += Int16(Int8(bitPattern: bytes[qs + 16 * j + i])) }
                            store(s, &bytes, base + 260 + 2 * j)
                        }
                    case .q8_1:
                        store(Half.floatToF16(1), &bytes, base)
                        store(Half.floatToF16(Float(sum)), &bytes, base + 2)
                    default:
                        store(Half.floatToF16(1), &bytes, base)
                    }
                }
            }
        }
        return bytes
    }

    static func store<T>(_ value: T, _ bytes: inout [UInt8], _ offset: Int) {
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: value, toByteOffset: offset, as: T.self) }
    }
}
