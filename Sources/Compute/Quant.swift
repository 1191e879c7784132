/// ggml's block-quantized formats: dequantization, and quantization of activations to the
/// type that ggml pairs with each weight type for its integer dot products.
///
/// Block layouts (little-endian; `f16` is IEEE half; a row is a whole number of blocks):
///
/// | type | values | bytes | layout | value j |
/// |---|---|---|---|---|
/// | Q4_0 | 32 | 18 | `f16 d; u8 qs[16]` | `d * (q - 8)` |
/// | Q4_1 | 32 | 20 | `f16 d, m; u8 qs[16]` | `d * q + m` |
/// | Q5_0 | 32 | 22 | `f16 d; u8 qh[4]; u8 qs[16]` | `d * (q - 16)` |
/// | Q5_1 | 32 | 24 | `f16 d, m; u8 qh[4]; u8 qs[16]` | `d * q + m` |
/// | Q8_0 | 32 | 34 | `f16 d; i8 qs[32]` | `d * q` |
/// | Q8_1 | 32 | 36 | `f16 d, s; i8 qs[32]`, `s = d * Σq` | `d * q` |
/// | Q4_K | 256 | 144 | `f16 d, dmin; u8 scales[12]; u8 qs[128]` | `d*sc*q - dmin*m` per 32 |
/// | Q5_K | 256 | 176 | `f16 d, dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]` | as Q4_K, 5-bit q |
/// | Q6_K | 256 | 210 | `u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d` | `d * sc * (q - 32)` per 16 |
/// | Q8_K | 256 | 292 | `f32 d; i8 qs[256]; i16 bsums[16]` | `d * q` |
///
/// In the 32-blocks, nibble byte j holds value j (low 4 bits) and value j+16 (high 4 bits),
/// and bit j of `qh` is the fifth bit of value j. In Q4_K/Q5_K, each 32 bytes of `qs` hold
/// 64 values: the low nibbles the first 32, the high nibbles the next 32; the 6-bit scales and
/// mins of the eight 32-value sub-blocks are packed in `scales` (see `unpackScalesMins`).
public enum Quant {
    /// The type ggml quantizes an activation row to before a dot product with weights of
    /// `weightType`: Q8_0 for Q4_0/Q5_0/Q8_0, Q8_1 for Q4_1/Q5_1, Q8_K for the K-quants, and F32
    /// for F32/F16/BF16 weights (ggml rounds those activations to F16/BF16; Tern keeps F32).
    /// Nil for a weight type Tern does not compute with.
    public static func activationType(for weightType: GGMLType) -> GGMLType? {
        switch weightType {
        case .q4_0, .q5_0, .q8_0: return .q8_0
        case .q4_1, .q5_1: return .q8_1
        case .q4_K, .q5_K, .q6_K: return .q8_K
        case .f32, .f16, .bf16: return .f32
        default: return nil
        }
    }

    /// Bytes of one activation row of `count` values quantized for `weightType`, or nil when
    /// the weight type is unsupported or `count` is not a whole number of its blocks.
    public static func activationRowBytes(for weightType: GGMLType, count: Int) -> Int? {
        guard weightType.isSupported, weightType.rowBytes(count) != nil,
              let type = activationType(for: weightType) else { return nil }
        return type.rowBytes(count)
    }

    /// The 6-bit scales and mins of a Q4_K/Q5_K super-block, from its 12 packed bytes:
    /// sub-blocks 0-3 keep their scale and min in the low 6 bits of bytes 0-3 and 4-7; sub-blocks
    /// 4-7 take 4 low bits from a nibble of bytes 8-11 and their 2 high bits from the top bits of
    /// bytes 0-3 (scales) and 4-7 (mins).
    @inline(__always)
    static func unpackScalesMins(_ p: UnsafeRawPointer, _ j: Int) -> (scale: Int32, min: Int32) {
        let q = p.assumingMemoryBound(to: UInt8.self)
        if j < 4 { return (Int32(q[j] & 63), Int32(q[j + 4] & 63)) }
        return (Int32((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4)), Int32((q[j + 4] >> 4) | ((q[j] >> 6) << 4)))
    }

    /// The f16 at byte offset `offset` of `p`, as f32.
    @inline(__always)
    static func f16(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
        Half.f16ToFloat(p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }
}
