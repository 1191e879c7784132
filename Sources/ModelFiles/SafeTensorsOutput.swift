#if canImport(Glibc)
import Glibc
#endif

/// A file written under a temporary name beside its destination (`.NAME.tmp-PID-RANDOM`, same
/// directory so that the rename stays on one filesystem), then flushed, fsynced and renamed over
/// the destination. Until `commit` returns the destination keeps its old content or stays absent:
/// a crash, kill or full disk mid-write leaves at most the temporary file, never a partial file
/// under the final name. Writes are buffered (1 MiB); the first failure is kept and reported by
/// `commit`, which then removes the temporary file.
struct AtomicFileOutput: SafeTensorsSink {
    let path: String
    let temporaryPath: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var failure: String?
    private static let bufferSize = 1 << 20

    init(path: String) throws(SafeTensorsError) {
        self.path = path
        let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        temporaryPath = directory + "." + name + ".tmp-\(getpid())-" + String(UInt32.random(in: .min ... .max), radix: 16)
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
        buffer.reserveCapacity(Self.bufferSize)
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil else { return }
        if buffer.count + bytes.count > Self.bufferSize { flush() }
        if bytes.count >= Self.bufferSize { writeAll(bytes) } else { buffer.append(contentsOf: bytes) }
    }

    /// Makes the file durable and visible under `path`, or removes it and throws the first failure.
    mutating func commit() throws(SafeTensorsError) {
        flush()
        if failure == nil, fsync(fd) != 0 { failure = "fsync: " + String(cString: strerror(errno)) }
        if close(fd) != 0, failure == nil { failure = "close: " + String(cString: strerror(errno)) }
        if failure == nil, rename(temporaryPath, path) != 0 { failure = "rename: " + String(cString: strerror(errno)) }
        if let failure {
            unlink(temporaryPath)
            throw .writeFailed(path: path, reason: failure)
        }
        syncDirectory()
    }

    private mutating func flush() {
        guard !buffer.isEmpty else { return }
        let pending = buffer
        buffer.removeAll(keepingCapacity: true)
        pending.withUnsafeBytes { writeAll($0) }
    }

    private mutating func writeAll(_ bytes: UnsafeRawBufferPointer) {
        var done = 0
        while failure == nil, done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno != EINTR { failure = String(cString: strerror(errno)) }
                continue
            }
            done += n
        }
    }

    /// Persists the rename itself. The file is complete either way; a directory that cannot be
    /// fsynced (some filesystems refuse) only loses the guarantee across a power cut.
    private func syncDirectory() {
        let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))
        let directory = slash.map { $0 == path.utf8.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dfd >= 0 else { return }
        _ = fsync(dfd)
        close(dfd)
    }
}
