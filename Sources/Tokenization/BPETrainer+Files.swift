#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BPETrainer {
    /// How an input file holds its text.
    public enum InputFormat: Sendable {
        /// Plain UTF-8 text; each line, with its line ending, is one text (as HF's
        /// `train_from_files` reads files, so that pre-tokenization sees the same pieces).
        case text
        /// JSON Lines; each non-blank line is an object whose string field `field` is one text.
        case jsonLines(field: String)

        /// `.jsonLines(field: "text")` for `.jsonl`/`.ndjson` names, else `.text`.
        public static func guess(path: String) -> InputFormat {
            path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson") ? .jsonLines(field: "text") : .text
        }
    }

    /// Counts the words of a file, streamed line by line. Returns the bytes read.
    @discardableResult
    public mutating func add(contentsOf path: String, format: InputFormat) throws(BPETrainingError) -> Int {
        guard let file = fopen(path, "rb") else {
            throw .unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var pending = [UInt8]()  // a line cut by the end of a read
        var lineNumber = 0
        var total = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n == 0 {
                if ferror(file) != 0 { throw .unreadableFile(path: path, reason: "read error after \(total) bytes") }
                break
            }
            total += n
            var start = 0
            for i in 0..<n where buffer[i] == 0x0A {
                lineNumber += 1
                if pending.isEmpty {
                    try buffer.withUnsafeBufferPointer { b throws(BPETrainingError) in
                        try addLine(UnsafeBufferPointer(rebasing: b[start...i]), format, path, lineNumber)
                    }
                } else {
                    pending.append(contentsOf: buffer[start...i])
                    try pending.withUnsafeBufferPointer { b throws(BPETrainingError) in
                        try addLine(b, format, path, lineNumber)
                    }
                    pending.removeAll(keepingCapacity: true)
                }
                start = i + 1
            }
            pending.append(contentsOf: buffer[start..<n])
        }
        if !pending.isEmpty {
            try pending.withUnsafeBufferPointer { b throws(BPETrainingError) in
                try addLine(b, format, path, lineNumber + 1)
            }
        }
        return total
    }

    private mutating func addLine(_ line: UnsafeBufferPointer<UInt8>, _ format: InputFormat, _ path: String,
                                  _ number: Int) throws(BPETrainingError) {
        guard String(validating: line, as: UTF8.self) != nil else { throw .invalidUTF8(path: path, line: number) }
        switch format {
        case .text:
            add(utf8: line)
        case .jsonLines(let field):
            let text = String(decoding: line, as: UTF8.self)
            if text.allSatisfy(\.isWhitespace) { return }
            let value: TemplateValue
            do { value = try TemplateValue(json: text) } catch {
                throw .invalidJSONLine(path: path, line: number, reason: "not valid JSON: \(error)")
            }
            guard let s = value[field]?.stringValue else {
                throw .invalidJSONLine(path: path, line: number, reason: "no string field \"\(field)\"")
            }
            add(s)
        }
    }
}
