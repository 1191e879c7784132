/// UTF-8 validation that reports where the first bad byte is (the standard library's decoders
/// only replace it): the Unicode/RFC 3629 well-formed byte sequences, no surrogates, no overlong
/// forms, nothing above U+10FFFF.
public enum UTF8Validation {
    /// Offset of the first byte that does not start a well-formed sequence, or nil if all of
    /// `bytes` is valid. Fast path: 8 ASCII bytes per step.
    public static func firstInvalidOffset(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let n = bytes.count
        var i = 0
        while i < n {
            // ASCII runs, a word at a time.
            while i + 8 <= n, base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            guard i < n else { break }
            let b0 = base.load(fromByteOffset: i, as: UInt8.self)
            if b0 < 0x80 { i += 1; continue }
            let length = sequenceLength(base, i, n, b0)
            if length == 0 { return i }
            i += length
        }
        return nil
    }

    /// Length of the well-formed multi-byte sequence starting with `b0` at `i`, or 0.
    @inline(__always)
    private static func sequenceLength(_ base: UnsafeRawPointer, _ i: Int, _ n: Int, _ b0: UInt8) -> Int {
        @inline(__always) func byte(_ k: Int) -> UInt8 { i + k < n ? base.load(fromByteOffset: i + k, as: UInt8.self) : 0 }
        @inline(__always) func isContinuation(_ b: UInt8) -> Bool { b & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF:
            return isContinuation(byte(1)) ? 2 : 0
        case 0xE0...0xEF:
            let b1 = byte(1)
            let low: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80   // no overlong forms
            let high: UInt8 = b0 == 0xED ? 0x9F : 0xBF  // no surrogates
            return b1 >= low && b1 <= high && isContinuation(byte(2)) ? 3 : 0
        case 0xF0...0xF4:
            let b1 = byte(1)
            let low: UInt8 = b0 == 0xF0 ? 0x90 : 0x80   // no overlong forms
            let high: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF  // nothing above U+10FFFF
            return b1 >= low && b1 <= high && isContinuation(byte(2)) && isContinuation(byte(3)) ? 4 : 0
        default:
            return 0
        }
    }

    /// The plain reference: decode scalar by scalar with the standard library's UTF-8 decoder
    /// and report the offset where it first fails.
    static func firstInvalidOffsetReference(_ bytes: [UInt8]) -> Int? {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): offset += UTF8.width(s)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}
