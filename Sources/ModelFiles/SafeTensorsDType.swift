/// The element types a safetensors header may name (`"dtype"`), spelled as in the file.
///
/// The cases are declared in the order of the reference implementation (the `safetensors` Rust
/// crate): by increasing alignment. Its writer lays tensors out by decreasing position in this
/// order, then by name, and `SafeTensorsWriter` does the same, so both produce the same file.
public enum SafeTensorsDType: String, Sendable, CaseIterable, CustomStringConvertible {
    case bool = "BOOL"
    /// MXFP4 (E2M1), two values per byte.
    case f4 = "F4"
    /// MXFP6 (E2M3), four values per three bytes.
    case f6E2M3 = "F6_E2M3"
    /// MXFP6 (E3M2), four values per three bytes.
    case f6E3M2 = "F6_E3M2"
    case u8 = "U8"
    case i8 = "I8"
    case f8E5M2 = "F8_E5M2"
    case f8E4M3 = "F8_E4M3"
    case f8E8M0 = "F8_E8M0"
    case f8E4M3FNUZ = "F8_E4M3FNUZ"
    case f8E5M2FNUZ = "F8_E5M2FNUZ"
    case i16 = "I16"
    case u16 = "U16"
    case f16 = "F16"
    case bf16 = "BF16"
    case i32 = "I32"
    case u32 = "U32"
    case f32 = "F32"
    /// Complex: two f32 (real, imaginary).
    case c64 = "C64"
    case f64 = "F64"
    case i64 = "I64"
    case u64 = "U64"

    /// Bits per element.
    public var bitWidth: Int {
        switch self {
        case .f4: return 4
        case .f6E2M3, .f6E3M2: return 6
        case .bool, .u8, .i8, .f8E5M2, .f8E4M3, .f8E8M0, .f8E4M3FNUZ, .f8E5M2FNUZ: return 8
        case .i16, .u16, .f16, .bf16: return 16
        case .i32, .u32, .f32: return 32
        case .c64, .f64, .i64, .u64: return 64
        }
    }

    /// The bytes `elements` values take, or nil when they do not end on a byte boundary (sub-byte
    /// types) or the count overflows.
    public func byteCount(elements: Int) -> Int? {
        let (bits, overflow) = elements.multipliedReportingOverflow(by: bitWidth)
        guard !overflow, elements >= 0, bits % 8 == 0 else { return nil }
        return bits / 8
    }

    /// Whether `SafeTensorsFile.floats` converts this type to f32.
    public var isConvertibleToFloat: Bool { self == .f64 || self == .f32 || self == .f16 || self == .bf16 }

    /// Position in the reference order (higher is written first).
    var layoutRank: Int { Self.allCases.firstIndex(of: self)! }

    public var description: String { rawValue }
}
