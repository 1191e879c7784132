import ModelFiles

/// One document of a corpus: what a JSONL line `{"id", "text", "metadata"}` holds (datatrove's
/// and dolma's record), plus where it came from so that errors and exclusions can name it.
public struct Document: Sendable {
    /// Stable identifier (the record's `id`, or the file path / WARC record id for raw inputs).
    public var id: String
    /// The text every step reads and rewrites (after extraction: the main text, not markup).
    public var text: String
    /// Everything else the record carried, in its order, plus what steps add (language,
    /// scores, dedup cluster); written back out with the document.
    public var metadata: [(key: String, value: JSONValue)]
    /// The input file and 1-based line (or record number) the document was read from.
    public var origin: Origin

    /// Where a document was read: input file and 1-based line (JSONL) or record (WARC) number.
    public struct Origin: Sendable, Hashable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public init(file: String, line: Int) { self.file = file; self.line = line }
        public var description: String { "\(file):\(line)" }
    }

    public init(id: String, text: String, metadata: [(key: String, value: JSONValue)] = [],
                origin: Origin = Origin(file: "", line: 0)) {
        self.id = id
        self.text = text
        self.metadata = metadata
        self.origin = origin
    }

    /// The value of metadata member `key`, if present (the last one of that name).
    public subscript(metadata key: String) -> JSONValue? {
        get { metadata.last { $0.key == key }?.value }
        set {
            metadata.removeAll { $0.key == key }
            if let newValue { metadata.append((key, newValue)) }
        }
    }
}

/// What a filter decided about one document.
public enum FilterVerdict: Sendable, Equatable, CustomStringConvertible {
    case keep
    /// Removed, with the reason in datatrove's words where datatrove has one
    /// (`gopher_short_doc`, `dup_para_frac`, `lorem_ipsum`, …).
    case drop(reason: String)

    public var isKept: Bool { if case .keep = self { return true } else { return false } }
    public var description: String {
        switch self {
        case .keep: return "keep"
        case .drop(let reason): return "drop(\(reason))"
        }
    }
}
