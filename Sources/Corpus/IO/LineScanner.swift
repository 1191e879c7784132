#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a byte stream into `\n`-terminated lines with bounded memory: one large buffer scanned
/// with `memchr`; a line longer than `maxLineBytes` is counted and dropped as it streams past
/// (never held whole), and reported as `.tooLong`.
final class LineScanner {
    /// One line: its bytes without the `\n` (valid until the next call), or the length of a
    /// line that was over the limit.
    enum Line {
        case bytes(UnsafeRawBufferPointer)
        case tooLong(bytes: Int)
    }

    private let source: any ByteSource
    private let maxLineBytes: Int
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    /// Unconsumed bytes are `buffer[start..<end]`; `[start..<scanFrom]` is known to hold no `\n`.
    private var start = 0, end = 0, scanFrom = 0
    private var sourceEnded = false
    private let readBytes: Int
    /// Bytes of an over-long line already dropped, or nil when not inside one.
    private var dropped: Int?
    /// 1-based number of the last line returned (0 before the first).
    private(set) var lineNumber = 0

    /// `readBytes` is how much each read asks of the source (4 MiB: few syscalls, fits in L2 + LLC).
    init(source: any ByteSource, maxLineBytes: Int, readBytes: Int = 4 << 20) {
        self.source = source
        self.maxLineBytes = max(1, maxLineBytes)
        self.readBytes = readBytes
        capacity = readBytes
        buffer = .allocate(byteCount: capacity, alignment: 64)
    }

    deinit { buffer.deallocate() }

    /// The next line, or nil at the end of the stream. A final line without `\n` counts.
    func next() throws(ByteSourceError) -> Line? {
        while true {
            if let newline = memchr(buffer + scanFrom, 0x0A, end - scanFrom) {
                let lineEnd = buffer.distance(to: newline)
                let lineStart = start
                start = lineEnd + 1
                scanFrom = start
                lineNumber += 1
                if let d = dropped {
                    dropped = nil
                    return .tooLong(bytes: d + lineEnd - lineStart)
                }
                if lineEnd - lineStart > maxLineBytes { return .tooLong(bytes: lineEnd - lineStart) }
                return .bytes(UnsafeRawBufferPointer(start: buffer + lineStart, count: lineEnd - lineStart))
            }
            scanFrom = end
            if let d = dropped {
                dropped = d + (end - start)
                start = 0; end = 0; scanFrom = 0
            } else if end - start > maxLineBytes {
                dropped = end - start
                start = 0; end = 0; scanFrom = 0
            }
            if sourceEnded { return finalLine() }
            try refill()
        }
    }

    /// What is left when the source has ended: a last line without `\n`, or nothing.
    private func finalLine() -> Line? {
        if let d = dropped {
            dropped = nil
            lineNumber += 1
            return .tooLong(bytes: d)
        }
        guard end > start else { return nil }
        lineNumber += 1
        let line = UnsafeRawBufferPointer(start: buffer + start, count: end - start)
        start = end
        scanFrom = end
        return .bytes(line)
    }

    /// Moves the partial line to the front (growing the buffer when it fills it) and reads at
    /// most `readBytes` more, so the buffer never grows far past `maxLineBytes`.
    private func refill() throws(ByteSourceError) {
        if start > 0 {
            memmove(buffer, buffer + start, end - start)
            end -= start
            scanFrom -= start
            start = 0
        }
        if end == capacity {
            let grownCapacity = max(capacity + readBytes, min(capacity * 2, maxLineBytes + readBytes))
            let grown = UnsafeMutableRawPointer.allocate(byteCount: grownCapacity, alignment: 64)
            grown.copyMemory(from: buffer, byteCount: end)
            buffer.deallocate()
            buffer = grown
            capacity = grownCapacity
        }
        let count = min(capacity - end, readBytes)
        let n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: count))
        if n == 0 { sourceEnded = true } else { end += n }
    }
}
