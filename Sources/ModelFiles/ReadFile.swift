#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be read: the system's words (`No such file or directory`).
public struct FileReadError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

/// The whole content of the file at `path` (read in 1 MiB chunks; for small and medium files —
/// models are memory-mapped instead). The one whole-file reader the modules share.
public func readFileContents(_ path: String) throws(FileReadError) -> [UInt8] {
    guard let file = fopen(path, "rb") else { throw FileReadError(path: path, reason: String(cString: strerror(errno))) }
    defer { fclose(file) }
    var bytes = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if n == 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    if ferror(file) != 0 { throw FileReadError(path: path, reason: "read error after \(bytes.count) bytes") }
    return bytes
}
