import ModelFiles

/// Reads a JSONL corpus file (plain, `.gz` with any number of members, or `.zst`) one document
/// per line, streaming: memory stays at one buffer plus the current line.
///
/// A line `{"id": …, "text": …, "metadata": {…}, other…}` becomes a `Document` whose metadata is
/// the `metadata` object's members followed by the other members (a later one with the same key
/// replaces the earlier value in place), as datatrove's reader does. Blank lines are ignored.
public final class JSONLReader: DocumentReader {
    /// The name used in ids and error messages (the path, or the path relative to an input folder).
    public let name: String
    private let options: ReaderOptions
    private let scanner: LineScanner
    private var log: IssueLog
    private var ended = false
    /// Records dropped because their text was empty (not errors; see `ReaderOptions.skipEmptyText`).
    public private(set) var emptyTextCount = 0

    /// Opens `path`, decompressing as its name says unless `compression` is given.
    public init(path: String, name: String? = nil, compression: Compression? = nil,
                options: ReaderOptions = ReaderOptions()) throws(CorpusInputError) {
        self.name = name ?? path
        self.options = options
        let source = try openByteSource(path: path, compression: compression ?? .inferred(from: path))
        scanner = LineScanner(source: source, maxLineBytes: options.maxRecordBytes)
        log = IssueLog(policy: options.onError)
    }

    /// Every record of a small JSONL file (labelled questions, benchmark inputs), stopping at the
    /// first bad line: the error names `file:line` and the problem. Empty texts are kept.
    public static func records(path: String, textKey: String = "text") throws(CorpusInputError) -> [Document] {
        var options = ReaderOptions()
        options.textKey = textKey
        options.onError = .fail
        options.skipEmptyText = false
        return try JSONLReader(path: path, options: options).readAll()
    }

    public var skipped: [CorpusInputError] { log.skipped }
    public func takeSkipped() -> [CorpusInputError] { log.take() }

    public func next() throws(CorpusInputError) -> Document? {
        while !ended {
            let line: LineScanner.Line?
            do { line = try scanner.next() } catch { try streamFailed(error); return nil }
            guard let line else { ended = true; return nil }
            let number = scanner.lineNumber
            switch line {
            case .tooLong(let bytes):
                try log.report(issue(number, .tooLong(bytes: bytes, limit: options.maxRecordBytes)))
            case .bytes(let bytes):
                switch decode(bytes, line: number) {
                case .document(let d): return d
                case .nothing: continue
                case .bad(let problem): try log.report(issue(number, problem))
                }
            }
        }
        return nil
    }

    private func issue(_ line: Int, _ problem: CorpusInputError.Problem) -> CorpusInputError {
        CorpusInputError(file: name, line: line, problem: problem)
    }

    /// A damaged stream ends the file: reported (or thrown) with the last line read in full.
    private func streamFailed(_ error: ByteSourceError) throws(CorpusInputError) {
        ended = true
        let last = scanner.lineNumber
        switch error {
        case .truncated: try log.report(issue(0, .truncated(lastGoodLine: last)))
        case .corrupt(let m): try log.report(issue(0, .corruptStream(message: m, lastGoodLine: last)))
        case .io(let m): throw issue(0, .io(m))
        }
    }

    private enum LineOutcome {
        case document(Document)
        case nothing
        case bad(CorpusInputError.Problem)
    }

    /// One line's bytes → a document, nothing (blank line, empty text) or the problem with it.
    private func decode(_ bytes: UnsafeRawBufferPointer, line: Int) -> LineOutcome {
        if bytes.isEmpty || (bytes.count == 1 && bytes[0] == 0x0D) { return .nothing }
        if options.invalidUTF8 == .reject, let offset = UTF8Validation.firstInvalidOffset(bytes) {
            return .bad(.invalidUTF8(offset: offset))
        }
        let value: JSONValue
        do { value = try JSONValue.parse(Array(bytes)) } catch {
            return .bad(.malformedJSON(message: error.message, offset: error.offset))
        }
        guard case .object(let members) = value else { return .bad(.notAnObject) }
        return makeDocument(members, line: line)
    }

    private func makeDocument(_ members: [(key: String, value: JSONValue)], line: Int) -> LineOutcome {
        var text: JSONValue?, id: JSONValue?, nested: JSONValue?
        var rest = [(key: String, value: JSONValue)]()
        rest.reserveCapacity(members.count)
        for member in members {
            if member.key == options.textKey { text = member.value }
            else if member.key == options.idKey { id = member.value }
            else if member.key == "metadata" { nested = member.value }
            else { rest.append(member) }
        }
        guard let text else { return .bad(.missingText(key: options.textKey)) }
        guard case .string(let string) = text else {
            return .bad(.textNotString(key: options.textKey, found: JSONLReader.typeName(text)))
        }
        if string.isEmpty && options.skipEmptyText { emptyTextCount += 1; return .nothing }
        let metadata = JSONLReader.mergedMetadata(nested, rest)
        let idString: String
        switch id {
        case .string(let s)?: idString = s
        case let other?: idString = String(decoding: other.serialized(), as: UTF8.self)
        case nil: idString = "\(name)/\(line - 1)"
        }
        return .document(Document(id: idString, text: string, metadata: metadata,
                                  origin: Document.Origin(file: name, line: line)))
    }

    /// datatrove's `metadata | rest`: the nested object's members, then the others, a repeated
    /// key replacing the earlier value where it stands. A nested value that is not an object
    /// (or a string holding one) is kept as member "metadata".
    static func mergedMetadata(_ nested: JSONValue?, _ rest: [(key: String, value: JSONValue)]) -> [(key: String, value: JSONValue)] {
        var out = [(key: String, value: JSONValue)]()
        switch nested {
        case .object(let m)?: out = m
        case .string(let s)?:
            if case .object(let m)? = try? JSONValue.parse(Array(s.utf8)) { out = m } else { out = [("metadata", .string(s))] }
        case let other?: out = [("metadata", other)]
        case nil: break
        }
        guard !out.isEmpty else { return rest }
        for member in rest {
            if let i = out.firstIndex(where: { $0.key == member.key }) { out[i].value = member.value } else { out.append(member) }
        }
        return out
    }

    static func typeName(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
