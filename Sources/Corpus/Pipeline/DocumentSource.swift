import ModelFiles

/// What a reader yields: a document, or a record it could not read (reported with file:line,
/// then skipped or fatal as the recipe's `on_error` says).
public enum SourceItem: Sendable {
    case document(Document)
    case bad(CorpusError)
}

/// Yields the documents of one input unit in order.
public protocol DocumentSource {
    /// The next item, nil at the end. Throws when nothing more can be read (a missing file, a
    /// truncated archive: the error names the file and the last line reached).
    mutating func next() throws(CorpusError) -> SourceItem?
}

/// Receives kept or removed documents of one task, written under a temporary name and renamed
/// into place by `finish()` so that a killed run never leaves a partial file under its final name.
public protocol DocumentSink {
    mutating func write(_ document: Document) throws(CorpusError)
    /// Flushes, syncs and renames the file into place (creates nothing when nothing was written
    /// and `keepEmpty` was false).
    mutating func finish() throws(CorpusError)
    /// Removes the temporary file.
    mutating func discard()
}

extension Document {
    /// The record as written to output JSONL: `{"id","text","metadata"}`.
    public func jsonLine() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count + 64)
        out.append(contentsOf: #"{"id":"#.utf8)
        JSONValue.writeString(id, to: &out)
        out.append(contentsOf: #","text":"#.utf8)
        JSONValue.writeString(text, to: &out)
        out.append(contentsOf: #","metadata":"#.utf8)
        JSONValue.object(metadata).write(to: &out)
        out.append(contentsOf: "}\n".utf8)
        return out
    }
}
