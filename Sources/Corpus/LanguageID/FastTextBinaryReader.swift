/// Reads the little-endian fields of a fastText `.bin` / `.ftz` file (fastText writes raw
/// host-order C++ values; every released model is little-endian), naming the field and offset
/// of any failure.
struct FastTextBinaryReader {
    let bytes: [UInt8]
    let path: String
    private(set) var offset = 0

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    var remaining: Int { bytes.count - offset }

    private mutating func take(_ n: Int, _ field: String) throws(LanguageIDError) -> Int {
        guard n >= 0, n <= remaining else {
            throw .truncated(path: path, field: field, offset: offset)
        }
        defer { offset += n }
        return offset
    }

    private mutating func littleEndian(_ n: Int, _ field: String) throws(LanguageIDError) -> UInt64 {
        let start = try take(n, field)
        var v: UInt64 = 0
        for i in (0..<n).reversed() { v = v << 8 | UInt64(bytes[start + i]) }
        return v
    }

    mutating func int32(_ field: String) throws(LanguageIDError) -> Int32 {
        Int32(truncatingIfNeeded: try littleEndian(4, field))
    }

    mutating func int64(_ field: String) throws(LanguageIDError) -> Int64 {
        Int64(bitPattern: try littleEndian(8, field))
    }

    mutating func double(_ field: String) throws(LanguageIDError) -> Double {
        Double(bitPattern: try littleEndian(8, field))
    }

    mutating func int8(_ field: String) throws(LanguageIDError) -> Int8 {
        Int8(bitPattern: bytes[try take(1, field)])
    }

    /// A C++ `bool` (one byte, non-zero is true).
    mutating func bool(_ field: String) throws(LanguageIDError) -> Bool {
        bytes[try take(1, field)] != 0
    }

    /// A NUL-terminated byte string (dictionary words).
    mutating func cString(_ field: String) throws(LanguageIDError) -> ArraySlice<UInt8> {
        guard let end = bytes[offset...].firstIndex(of: 0) else {
            throw .truncated(path: path, field: field, offset: offset)
        }
        defer { offset = end + 1 }
        return bytes[offset..<end]
    }

    /// `count` raw bytes (product-quantizer codes).
    mutating func raw(_ count: Int, _ field: String) throws(LanguageIDError) -> [UInt8] {
        let start = try take(count, field)
        return Array(bytes[start..<start + count])
    }

    /// `count` little-endian float32 values.
    mutating func floats(_ count: Int, _ field: String) throws(LanguageIDError) -> [Float] {
        guard count >= 0, count <= remaining / 4 else {
            throw .truncated(path: path, field: field, offset: offset)
        }
        let start = try take(count * 4, field)
        return (0..<count).map { i in
            let p = start + 4 * i
            let bits = UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16
                | UInt32(bytes[p + 3]) << 24
            return Float(bitPattern: bits)
        }
    }

    func invalid(_ field: String, _ detail: String) -> LanguageIDError {
        .invalid(path: path, field: field, offset: offset, detail: detail)
    }
}
