/// A byte stream read in lines and in counted blocks (what WARC's header-then-block layout
/// needs); 1 MiB buffer.
final class BufferedByteReader {
    private let source: any ByteSource
    private var buffer: [UInt8]
    private var start = 0, end = 0
    private var sourceEnded = false

    init(source: any ByteSource, bufferBytes: Int = 1 << 20) {
        self.source = source
        buffer = [UInt8](repeating: 0, count: bufferBytes)
    }

    /// Reads more after moving the unread bytes to the front; false at the end of the stream.
    private func fill() throws(ByteSourceError) -> Bool {
        if sourceEnded { return false }
        if start > 0 {
            buffer.withUnsafeMutableBytes { b in
                if end > start { b.baseAddress!.copyMemory(from: b.baseAddress! + start, byteCount: end - start) }
            }
            end -= start
            start = 0
        }
        if end == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
        var result: Result<Int, ByteSourceError> = .success(0)
        buffer.withUnsafeMutableBytes { b in
            do throws(ByteSourceError) { result = .success(try source.read(into: UnsafeMutableRawBufferPointer(rebasing: b[end...]))) }
            catch { result = .failure(error) }
        }
        let n = try result.get()
        if n == 0 { sourceEnded = true; return false }
        end += n
        return true
    }

    /// The next line without its `\n` (and `\r`), nil at the end; `nil` too with `overLimit`
    /// set when the line is longer than `limit` bytes.
    func readLine(limit: Int, overLimit: inout Bool) throws(ByteSourceError) -> [UInt8]? {
        overLimit = false
        var checked = 0  // bytes after `start` known to hold no newline
        while true {
            if let nl = buffer[(start + checked)..<end].firstIndex(of: 0x0A) {
                var lineEnd = nl
                if lineEnd > start && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let line = Array(buffer[start..<lineEnd])
                start = nl + 1
                return line
            }
            checked = end - start
            if checked > limit { overLimit = true; return nil }
            if !(try fill()) {
                guard end > start else { return nil }
                let line = Array(buffer[start..<end])
                start = end
                return line
            }
        }
    }

    /// Exactly `count` bytes, or fewer if the stream ends first.
    func read(count: Int) throws(ByteSourceError) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(count)
        while out.count < count {
            if start == end, !(try fill()) { break }
            let take = min(count - out.count, end - start)
            out.append(contentsOf: buffer[start..<(start + take)])
            start += take
        }
        return out
    }

    /// Drops `count` bytes without keeping them; returns how many there were.
    @discardableResult
    func skip(count: Int) throws(ByteSourceError) -> Int {
        var left = count
        while left > 0 {
            if start == end {
                start = 0; end = 0
                if !(try fill()) { break }
            }
            let take = min(left, end - start)
            start += take
            left -= take
        }
        return count - left
    }
}
