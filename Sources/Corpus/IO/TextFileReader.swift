import Foundation

/// Reads `.txt`, `.md` and `.html` files as one document each: id = the file's name relative to
/// its input folder, text = its content, metadata `"format"` = "text", "markdown" or "html" (so
/// the extraction step knows what to extract). Files are read whole, up to `maxRecordBytes`.
public final class TextFileReader: DocumentReader {
    private let files: [InputFile]
    private var index = 0
    private let options: ReaderOptions
    private var log: IssueLog

    /// The text files under folder `path` (recursive, sorted by path). A path that does not exist
    /// or is not a folder is an error.
    public convenience init(directory path: String, options: ReaderOptions = ReaderOptions()) throws(CorpusInputError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CorpusInputError(file: path, line: 0, problem: .notFound)
        }
        guard isDirectory.boolValue else { throw CorpusInputError(file: path, line: 0, problem: .wrongKind("not a directory")) }
        let files = try InputDiscovery.discover([path], kinds: [.text, .markdown, .html])
        self.init(files: files, options: options)
    }

    /// These files, in this order.
    public init(files: [InputFile], options: ReaderOptions = ReaderOptions()) {
        self.files = files
        self.options = options
        log = IssueLog(policy: options.onError)
    }

    public var skipped: [CorpusInputError] { log.skipped }
    public func takeSkipped() -> [CorpusInputError] { log.take() }

    public func next() throws(CorpusInputError) -> Document? {
        while index < files.count {
            let file = files[index]
            index += 1
            switch read(file) {
            case .success(let text?):
                return Document(id: file.name, text: text, metadata: [("format", .string(TextFileReader.format(file.kind)))],
                                origin: Document.Origin(file: file.name, line: 1))
            case .success(nil): continue
            case .failure(let error):
                if case .notFound = error.problem { throw error }
                if case .io = error.problem { throw error }
                try log.report(error)
            }
        }
        return nil
    }

    /// The file's text, nil when empty (and empty texts are skipped), or what was wrong.
    private func read(_ file: InputFile) -> Result<String?, CorpusInputError> {
        let bytes: [UInt8]
        do { bytes = try TextFileReader.contents(of: file, limit: options.maxRecordBytes) } catch { return .failure(error) }
        if bytes.isEmpty && options.skipEmptyText { return .success(nil) }
        if options.invalidUTF8 == .reject,
           let offset = bytes.withUnsafeBytes({ UTF8Validation.firstInvalidOffset($0) }) {
            // Name the line of the bad byte, and its offset within that line.
            let lineStart = bytes[..<offset].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
            let line = 1 + bytes[..<offset].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            return .failure(CorpusInputError(file: file.name, line: line, problem: .invalidUTF8(offset: offset - lineStart)))
        }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    /// The whole file, or `.tooLong` without reading past the limit.
    static func contents(of file: InputFile, limit: Int) throws(CorpusInputError) -> [UInt8] {
        let source = try FileByteSource(path: file.path)
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n: Int
            do { n = try source.read(into: &chunk) }
            catch {
                if case .io(let m) = error { throw CorpusInputError(file: file.name, line: 0, problem: .io(m)) }
                throw CorpusInputError(file: file.name, line: 0, problem: .io("\(error)"))
            }
            if n == 0 { return bytes }
            if bytes.count + n > limit {
                throw CorpusInputError(file: file.name, line: 0, problem: .tooLong(bytes: Int(file.size), limit: limit))
            }
            bytes.append(contentsOf: chunk[..<n])
        }
    }

    static func format(_ kind: InputFile.Kind) -> String {
        switch kind {
        case .html: return "html"
        case .markdown: return "markdown"
        default: return "text"
        }
    }
}
