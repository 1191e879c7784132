/// Readers take the recipe's `on_error` policy (`Recipe.ErrorPolicy`): under `.skip` a bad record
/// (invalid UTF-8, not a JSON object, over the length limit, an undecodable WARC record, the
/// unreadable tail of a truncated file) is listed in the reader's `skipped` as `file:line: problem`
/// and reading goes on; under `.fail` it is thrown from `next()`, after the documents before it.
extension Recipe.ErrorPolicy: Codable {}

/// A problem with the corpus input, named by file and 1-based line (JSONL), record (WARC) or
/// line of the first bad byte (text files); `line` is 0 when the problem concerns the whole file.
public struct CorpusInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input file (as given to the reader).
    public var file: String
    /// 1-based line or record number; 0 for a file-level problem.
    public var line: Int
    /// What was wrong.
    public var problem: Problem

    /// The kinds of bad input, each with what a person needs to find it.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// The path does not exist.
        case notFound
        /// A directory was expected (directory reader) and this is something else, or the reverse.
        case wrongKind(String)
        /// open/read/write failed with this errno message.
        case io(String)
        /// Byte `offset` (0-based, within the line or file) starts an invalid UTF-8 sequence.
        case invalidUTF8(offset: Int)
        /// The line is not valid JSON: the parser's message and 0-based byte offset in the line.
        case malformedJSON(message: String, offset: Int)
        /// The line is valid JSON but not an object.
        case notAnObject
        /// The object has no member `key` (the configured text key).
        case missingText(key: String)
        /// The text member is present but is not a string (`found` names its JSON type).
        case textNotString(key: String, found: String)
        /// The line (or record, or file) is `bytes` long, over the configured `limit`.
        case tooLong(bytes: Int, limit: Int)
        /// The compressed stream ends before its end marker; `lastGoodLine` is the last line read in full.
        case truncated(lastGoodLine: Int)
        /// The compressed stream is corrupt (the library's message); `lastGoodLine` as above.
        case corruptStream(message: String, lastGoodLine: Int)
        /// A WARC record or its HTTP message cannot be parsed.
        case malformedRecord(String)
        /// A body that is neither UTF-8 nor in a charset the reader decodes.
        case undecodableBody(charset: String)

        /// `category: specifics`; the category (the text before the colon) is what run reports count.
        public var description: String {
            switch self {
            case .notFound: return "not found: no such file or directory"
            case .wrongKind(let s): return "wrong kind of path: \(s)"
            case .io(let s): return "I/O error: \(s)"
            case .invalidUTF8(let o): return "invalid UTF-8: bad byte sequence at byte \(o)"
            case .malformedJSON(let m, let o): return "malformed JSON: \(m) at byte \(o)"
            case .notAnObject: return "not a JSON object: the line is JSON of another type"
            case .missingText(let k): return "missing text: no \"\(k)\" member"
            case .textNotString(let k, let t): return "text not a string: \"\(k)\" is \(t)"
            case .tooLong(let b, let l): return "too long: \(b) bytes, over the limit of \(l)"
            case .truncated(let l): return "truncated compressed stream: ends after line \(l)"
            case .corruptStream(let m, let l): return "corrupt compressed stream: \(m), after line \(l)"
            case .malformedRecord(let s): return "malformed record: \(s)"
            case .undecodableBody(let c): return "undecodable body: not UTF-8, and charset \"\(c)\" is not decoded"
            }
        }
    }

    public init(file: String, line: Int, problem: Problem) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    /// `file:line: problem` (or `file: problem` for a file-level problem).
    public var description: String { line > 0 ? "\(file):\(line): \(problem)" : "\(file): \(problem)" }
}

/// A source of documents, read one at a time with bounded memory: JSONL, text files, WARC.
/// Bad records follow the reader's `Recipe.ErrorPolicy` (`ReaderOptions.onError`): skipped ones are listed in `skipped`.
public protocol DocumentReader: AnyObject {
    /// The next document, nil at the end; throws under `.fail` (and for a missing or unreadable file).
    func next() throws(CorpusInputError) -> Document?
    /// The records skipped so far under `.skip`, in input order (see `takeSkipped()`).
    var skipped: [CorpusInputError] { get }
    /// Returns the skipped records reported so far and forgets them (for long files).
    func takeSkipped() -> [CorpusInputError]
}

extension DocumentReader {
    /// Reads every remaining document (for tests and small inputs; pipelines call `next()`).
    public func readAll() throws(CorpusInputError) -> [Document] {
        var out = [Document]()
        while let d = try next() { out.append(d) }
        return out
    }
}

/// The `.skip` / `.fail` bookkeeping shared by the readers.
struct IssueLog {
    var policy: Recipe.ErrorPolicy
    var skipped: [CorpusInputError] = []

    /// Records `error` under `.skip`, throws it under `.fail`.
    mutating func report(_ error: CorpusInputError) throws(CorpusInputError) {
        if policy == .fail { throw error }
        skipped.append(error)
    }

    mutating func take() -> [CorpusInputError] {
        defer { skipped.removeAll() }
        return skipped
    }
}
