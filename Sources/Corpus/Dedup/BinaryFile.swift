import ModelFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Little-endian byte building and reading for the dedup files, and atomic writes
/// (temporary file in the same folder, then rename) so a killed run never leaves half a file.
enum BinaryFile {
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Writes `bytes` to `path` through `path.tmp-<pid>` + rename.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(DedupError) {
        do { try writeFileAtomically(path: path, bytes: bytes) } catch { throw .io(path: path, reason: "\(error)") }
    }

    static func read(_ path: String) throws(DedupError) -> [UInt8] {
        do { return try readFileContents(path) } catch { throw .io(path: path, reason: error.reason) }
    }

}

/// A bounds-checked little-endian cursor over a file's bytes; errors name the file and offset.
struct ByteReader {
    let bytes: [UInt8]
    let path: String
    var offset = 0

    mutating func uint64() throws(DedupError) -> UInt64 {
        guard offset + 8 <= bytes.count else { throw truncated(8) }
        var v: UInt64 = 0
        for k in 0 ..< 8 { v |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
        offset += 8
        return v
    }
    mutating func uint32() throws(DedupError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw truncated(4) }
        var v: UInt32 = 0
        for k in 0 ..< 4 { v |= UInt32(bytes[offset + k]) << (8 * UInt32(k)) }
        offset += 4
        return v
    }
    mutating func expectMagic(_ magic: String) throws(DedupError) {
        let m = Array(magic.utf8)
        guard offset + m.count <= bytes.count, Array(bytes[offset ..< offset + m.count]) == m else {
            throw .malformedFile(path: path, offset: offset, reason: "not a \(magic) file (bad magic)")
        }
        offset += m.count
    }
    func truncated(_ need: Int) -> DedupError {
        .malformedFile(path: path, offset: offset, reason: "truncated: needs \(need) more bytes, file has \(bytes.count)")
    }
}
