#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib
import CZstd

/// A problem writing corpus output, naming the file.
public struct CorpusOutputError: Error, Sendable, CustomStringConvertible {
    /// The file being written (its final name).
    public var file: String
    /// What failed (the call and errno message, or the compressor's message).
    public var message: String
    public var description: String { "\(file): \(message)" }
}

/// A file written under a temporary name in its target folder (`.<name>.tmp-<pid>-<random>`) and renamed
/// into place by `commit()` after fsync of the file and then of the folder, so that a killed run
/// never leaves a partial file under the final name. Bytes pass through gzip (level 6, header
/// mtime 0: the same input gives the same file) or zstd (level 3, with checksum) when asked.
final class AtomicFileOutput {
    let path: String
    private let temporaryPath: String
    private var fd: Int32
    private let compressor: StreamCompressor?
    private var pending = [UInt8]()
    private var committed = false
    /// Uncompressed bytes written so far.
    private(set) var bytesWritten = 0

    init(path: String, compression: Compression) throws(CorpusOutputError) {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        temporaryPath = folder + "/." + base + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CorpusOutputError(file: path, message: "open \(temporaryPath): \(errnoMessage())") }
        do {
            switch compression {
            case .none: compressor = nil
            case .gzip: compressor = try GzipCompressor()
            case .zstd: compressor = try ZstdCompressor()
            }
        } catch {
            close(fd); unlink(temporaryPath)
            throw CorpusOutputError(file: path, message: error.message)
        }
        pending.reserveCapacity(1 << 20)
    }

    /// A file never committed is removed (a finished run has no stray temporaries).
    deinit {
        if !committed { if fd >= 0 { close(fd) }; unlink(temporaryPath) }
    }

    /// Appends `bytes`; written out in 1 MiB pieces.
    func write(_ bytes: [UInt8]) throws(CorpusOutputError) {
        pending.append(contentsOf: bytes)
        bytesWritten += bytes.count
        if pending.count >= 1 << 20 { try flushPending(final: false) }
    }

    /// Finishes the stream, syncs, and renames the file to its final name.
    func commit() throws(CorpusOutputError) {
        guard !committed else { return }
        try flushPending(final: true)
        guard fsync(fd) == 0 else { throw fail("fsync") }
        guard close(fd) == 0 else { fd = -1; throw fail("close") }
        fd = -1
        guard rename(temporaryPath, path) == 0 else { throw fail("rename") }
        committed = true
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let dirfd = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 { defer { close(dirfd) }; guard fsync(dirfd) == 0 else { throw fail("fsync of the folder") } }
    }

    /// Closes and removes the temporary file; `commit()` is then a no-op.
    func discard() {
        guard !committed else { return }
        committed = true
        if fd >= 0 { close(fd); fd = -1 }
        unlink(temporaryPath)
    }

    private func fail(_ call: String) -> CorpusOutputError { CorpusOutputError(file: path, message: "\(call): \(errnoMessage())") }

    private func flushPending(final: Bool) throws(CorpusOutputError) {
        if let compressor {
            let out: [UInt8]
            do { out = try compressor.compress(pending, final: final) } catch { throw CorpusOutputError(file: path, message: error.message) }
            try writeAll(out)
        } else {
            try writeAll(pending)
        }
        pending.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: [UInt8]) throws(CorpusOutputError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 { if errno == EINTR { continue }; throw fail("write") }
            done += n
        }
    }
}

struct CompressorError: Error { var message: String }

/// A streaming compressor: input pieces in, compressed bytes out.
protocol StreamCompressor: AnyObject {
    /// Compresses `input`; with `final`, also ends the stream.
    func compress(_ input: [UInt8], final: Bool) throws(CompressorError) -> [UInt8]
}

/// gzip through zlib's deflate: level 6 (zlib's default), window 15, memLevel 8, no file name
/// and mtime 0 in the header, so output depends only on input (and the zlib version).
final class GzipCompressor: StreamCompressor {
    private let stream: UnsafeMutablePointer<z_stream>

    init(level: Int32 = 6) throws(CompressorError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = deflateInit2_(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { stream.deallocate(); throw CompressorError(message: "deflateInit2 failed (\(status))") }
    }

    deinit { deflateEnd(stream); stream.deallocate() }

    func compress(_ input: [UInt8], final: Bool) throws(CompressorError) -> [UInt8] {
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = input
        let status: Int32 = input.withUnsafeMutableBytes { inBytes in
            stream.pointee.next_in = inBytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_in = uInt(inBytes.count)
            while true {
                let s: Int32 = chunk.withUnsafeMutableBytes { c in
                    stream.pointee.next_out = c.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = uInt(c.count)
                    return deflate(stream, final ? Z_FINISH : Z_NO_FLUSH)
                }
                out.append(contentsOf: chunk[..<(chunk.count - Int(stream.pointee.avail_out))])
                if s == Z_STREAM_END { return Z_OK }
                if s != Z_OK && s != Z_BUF_ERROR { return s }
                if !final && stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 { return Z_OK }
            }
        }
        stream.pointee.next_in = nil
        guard status == Z_OK else { throw CompressorError(message: "deflate failed (\(status))") }
        return out
    }
}

/// zstd through ZSTD_compressStream2: level 3 (zstd's default), content checksum on, one thread.
final class ZstdCompressor: StreamCompressor {
    private let context: OpaquePointer

    init(level: Int32 = 3) throws(CompressorError) {
        guard let c = ZSTD_createCCtx() else { throw CompressorError(message: "ZSTD_createCCtx failed") }
        context = c
        ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, level)
        ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)
    }

    deinit { ZSTD_freeCCtx(context) }

    func compress(_ input: [UInt8], final: Bool) throws(CompressorError) -> [UInt8] {
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: max(ZSTD_CStreamOutSize(), 1 << 16))
        let error: String? = input.withUnsafeBytes { inBytes in
            var inBuffer = ZSTD_inBuffer(src: inBytes.baseAddress, size: inBytes.count, pos: 0)
            while true {
                var produced = 0
                let remaining: Int = chunk.withUnsafeMutableBytes { c in
                    var outBuffer = ZSTD_outBuffer(dst: c.baseAddress, size: c.count, pos: 0)
                    let r = ZSTD_compressStream2(context, &outBuffer, &inBuffer, final ? ZSTD_e_end : ZSTD_e_continue)
                    produced = outBuffer.pos
                    return r
                }
                if ZSTD_isError(remaining) != 0 { return String(cString: ZSTD_getErrorName(remaining)) }
                out.append(contentsOf: chunk[..<produced])
                if final ? remaining == 0 : inBuffer.pos == inBuffer.size { return nil }
            }
        }
        if let error { throw CompressorError(message: error) }
        return out
    }
}
