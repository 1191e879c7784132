import CZstd

/// Streaming zstd decompression (`ZSTD_decompressStream`); several concatenated frames read as
/// one stream. Input that ends inside a frame is `.truncated`.
final class ZstdByteSource: ByteSource {
    private let input: any ByteSource
    private let dstream: OpaquePointer
    private let inBuffer: UnsafeMutableRawBufferPointer
    private var inPos = 0, inSize = 0
    private var inputEnded = false
    /// The last return of ZSTD_decompressStream: 0 when a frame is complete and flushed.
    private var lastHint = 0
    private var finished = false

    /// Input is read in zstd's recommended input size.
    init(_ input: any ByteSource, name: String) throws(CorpusInputError) {
        self.input = input
        guard let ds = ZSTD_createDStream() else {
            throw CorpusInputError(file: name, line: 0, problem: .corruptStream(message: "ZSTD_createDStream failed", lastGoodLine: 0))
        }
        dstream = ds
        ZSTD_initDStream(ds)
        inBuffer = .allocate(byteCount: max(ZSTD_DStreamInSize(), 1 << 17), alignment: 64)
    }

    deinit {
        ZSTD_freeDStream(dstream)
        inBuffer.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ByteSourceError) -> Int {
        guard !finished, let out = buffer.baseAddress, buffer.count > 0 else { return 0 }
        var output = ZSTD_outBuffer(dst: out, size: buffer.count, pos: 0)
        while output.pos == 0 {
            if inPos == inSize && !inputEnded {
                let n = try input.read(into: inBuffer)
                if n == 0 { inputEnded = true } else { inPos = 0; inSize = n }
            }
            var inputBuffer = ZSTD_inBuffer(src: inBuffer.baseAddress, size: inSize, pos: inPos)
            let hint = ZSTD_decompressStream(dstream, &output, &inputBuffer)
            if ZSTD_isError(hint) != 0 { throw .corrupt(String(cString: ZSTD_getErrorName(hint))) }
            let consumed = inputBuffer.pos > inPos
            inPos = inputBuffer.pos
            // A call that moved nothing reports the next frame's header size; keep the last real hint.
            if consumed || output.pos > 0 { lastHint = hint }
            if output.pos == 0 && !consumed && inPos == inSize && inputEnded {
                if lastHint == 0 || !startedFrame { finished = true; return 0 }
                throw .truncated
            }
            if consumed { startedFrame = true }
        }
        return output.pos
    }

    /// Whether any input was consumed (an empty file is an empty stream, not a truncated one).
    private var startedFrame = false
}
