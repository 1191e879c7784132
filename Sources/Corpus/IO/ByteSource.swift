#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a byte stream stopped early.
enum ByteSourceError: Error, Sendable {
    /// open or read failed (errno message).
    case io(String)
    /// The compressed stream ended before its end marker.
    case truncated
    /// The compressed stream is corrupt (the decompressor's message).
    case corrupt(String)
}

/// A forward-only stream of bytes: a file, or a decompressor over one.
protocol ByteSource: AnyObject {
    /// Fills the front of `buffer`; returns how many bytes were written, 0 only at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ByteSourceError) -> Int
}

/// The compression of an input or output file, inferred from its name.
public enum Compression: String, Codable, Sendable {
    case none, gzip, zstd

    /// `.gz` → gzip, `.zst` / `.zstd` → zstd, anything else → none.
    public static func inferred(from path: String) -> Compression {
        if path.hasSuffix(".gz") { return .gzip }
        if path.hasSuffix(".zst") || path.hasSuffix(".zstd") { return .zstd }
        return .none
    }

    /// The file-name suffix this compression adds ("", ".gz", ".zst").
    public var fileSuffix: String {
        switch self {
        case .none: return ""
        case .gzip: return ".gz"
        case .zstd: return ".zst"
        }
    }
}

extension ByteSource {
    /// Reads into the front of `array` (its whole count is the capacity); 0 only at the end.
    func read(into array: inout [UInt8]) throws(ByteSourceError) -> Int {
        var result: Result<Int, ByteSourceError> = .success(0)
        array.withUnsafeMutableBytes { bytes in
            do throws(ByteSourceError) { result = .success(try read(into: bytes)) } catch { result = .failure(error) }
        }
        return try result.get()
    }
}

func errnoMessage(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

/// A file read with read(2), no buffering of its own (the consumers hold large buffers).
final class FileByteSource: ByteSource {
    private let fd: Int32

    /// Opens `path`; a missing file is `.notFound`, other failures `.io`.
    init(path: String) throws(CorpusInputError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw CorpusInputError(file: path, line: 0, problem: code == ENOENT ? .notFound : .io(errnoMessage(code)))
        }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw CorpusInputError(file: path, line: 0, problem: .wrongKind("is a directory, not a file"))
        }
        self.fd = fd
    }

    deinit { close(fd) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ByteSourceError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let n = Glibc.read(fd, base, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw .io(errnoMessage())
        }
    }
}

/// Opens `path` as a byte source, decompressing per `compression`.
func openByteSource(path: String, compression: Compression) throws(CorpusInputError) -> any ByteSource {
    let file = try FileByteSource(path: path)
    switch compression {
    case .none: return file
    case .gzip: return try GzipByteSource(file, name: path)
    case .zstd: return try ZstdByteSource(file, name: path)
    }
}
