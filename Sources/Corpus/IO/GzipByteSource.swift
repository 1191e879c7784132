import CZlib

/// Streaming gzip (or zlib) decompression: `inflateInit2` with window bits 15+32 detects the
/// header; a file of several gzip members (WARC's record-per-member, `cat a.gz b.gz`) reads as
/// their concatenation. Input that ends inside a member is `.truncated`.
final class GzipByteSource: ByteSource {
    private let input: any ByteSource
    private let stream: UnsafeMutablePointer<z_stream>
    private let inBuffer: UnsafeMutableRawBufferPointer
    private var inputEnded = false
    /// True before the first member and right after a member's end: input may end here.
    private var atMemberBoundary = true
    private var finished = false

    /// Input is read 1 MiB at a time.
    init(_ input: any ByteSource, name: String, inputBufferBytes: Int = 1 << 20) throws(CorpusInputError) {
        self.input = input
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        inBuffer = .allocate(byteCount: inputBufferBytes, alignment: 64)
        let status = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate(); inBuffer.deallocate()
            throw CorpusInputError(file: name, line: 0, problem: .corruptStream(message: "inflateInit2 failed (\(status))", lastGoodLine: 0))
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        inBuffer.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ByteSourceError) -> Int {
        guard !finished, let out = buffer.baseAddress, buffer.count > 0 else { return 0 }
        stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(min(buffer.count, Int(UInt32.max)))
        let capacity = Int(stream.pointee.avail_out)
        while Int(stream.pointee.avail_out) == capacity {
            if stream.pointee.avail_in == 0 && !inputEnded { try refill() }
            if stream.pointee.avail_in == 0 && inputEnded && atMemberBoundary { finished = true; break }
            let availIn = stream.pointee.avail_in
            let status = inflate(stream, Z_NO_FLUSH)
            let progressed = Int(stream.pointee.avail_out) < capacity || stream.pointee.avail_in < availIn
            switch status {
            case Z_STREAM_END:
                atMemberBoundary = true
                inflateReset(stream)
            case Z_OK, Z_BUF_ERROR:
                if progressed { atMemberBoundary = false }
                if !progressed && stream.pointee.avail_in == 0 && inputEnded { throw .truncated }
                if !progressed && stream.pointee.avail_in > 0 { throw .corrupt("inflate made no progress") }
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "inflate error \(status)"
                throw .corrupt(message)
            }
        }
        return capacity - Int(stream.pointee.avail_out)
    }

    private func refill() throws(ByteSourceError) {
        let n = try input.read(into: inBuffer)
        if n == 0 { inputEnded = true; return }
        stream.pointee.next_in = inBuffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(n)
    }
}
