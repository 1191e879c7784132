/// The parts of an archived HTTP response a corpus needs: headers and the decoded body
/// (chunked transfer coding removed, gzip/deflate content coding undone).
struct HTTPResponse {
    var status: Int
    /// Header fields in order, names as written.
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The last field named `name` (case-insensitive).
    func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.last { $0.name.lowercased() == lower }?.value
    }

    /// Parses `block` (a WARC response record's block); nil when it is not an HTTP response.
    /// `maxBodyBytes` bounds a decompressed body.
    static func parse(_ block: [UInt8], maxBodyBytes: Int) -> Result<HTTPResponse, CorpusInputError.Problem>? {
        guard block.starts(with: Array("HTTP/".utf8)) else { return nil }
        var lines = [[UInt8]]()
        var i = 0, lineStart = 0
        var bodyStart: Int?
        while i < block.count {
            if block[i] == 0x0A {
                var lineEnd = i
                if lineEnd > lineStart && block[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                if lineEnd == lineStart { bodyStart = i + 1; break }
                lines.append(Array(block[lineStart..<lineEnd]))
                lineStart = i + 1
            }
            i += 1
        }
        guard let bodyStart, let statusLine = lines.first else { return .failure(.malformedRecord("HTTP headers do not end")) }
        let statusParts = String(decoding: statusLine, as: UTF8.self).split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            return .failure(.malformedRecord("bad HTTP status line"))
        }
        var response = HTTPResponse(status: status, headers: WARCHeaders.fields(lines.dropFirst()), body: Array(block[bodyStart...]))
        if response.header("Transfer-Encoding")?.lowercased().contains("chunked") == true,
           let plain = dechunked(response.body) {
            response.body = plain
        }
        if let coding = response.header("Content-Encoding")?.lowercased().trimmingASCIISpaces(), !coding.isEmpty, coding != "identity" {
            guard coding == "gzip" || coding == "x-gzip" || coding == "deflate",
                  let plain = inflated(response.body, limit: maxBodyBytes) else {
                return .failure(.malformedRecord("cannot undo Content-Encoding \"\(coding)\""))
            }
            response.body = plain
        }
        return .success(response)
    }

    /// The body without chunked transfer coding (RFC 9112 §7.1; extensions and trailers
    /// ignored), or nil when it is not validly chunked (the body is then kept as archived).
    static func dechunked(_ body: [UInt8]) -> [UInt8]? {
        var out = [UInt8]()
        var i = 0
        while true {
            guard let nl = body[i...].firstIndex(of: 0x0A) else { return nil }
            let sizeText = String(decoding: body[i..<nl], as: UTF8.self).split(separator: ";", maxSplits: 1).first
                .map { String($0).trimmingASCIISpaces() } ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0 else { return nil }
            i = nl + 1
            if size == 0 { return out }
            guard size <= body.count - i else { return nil }
            out.append(contentsOf: body[i..<(i + size)])
            i += size
            if i < body.count, body[i] == 0x0D { i += 1 }
            if i < body.count, body[i] == 0x0A { i += 1 }
        }
    }

    /// gzip or zlib data inflated through the same streaming decoder as `.gz` inputs.
    static func inflated(_ data: [UInt8], limit: Int) -> [UInt8]? {
        guard let gzip = try? GzipByteSource(MemoryByteSource(data), name: "") else { return nil }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            guard let n = try? gzip.read(into: &chunk) else { return nil }
            if n == 0 { return out }
            out.append(contentsOf: chunk[..<n])
            if out.count > limit { return nil }
        }
    }
}

/// Bytes in memory as a byte source.
final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var position = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ByteSourceError) -> Int {
        let n = min(buffer.count, bytes.count - position)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + position, byteCount: n) }
        position += n
        return n
    }
}
