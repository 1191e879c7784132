/// How the readers treat records and bad input; one struct for JSONL, text files and WARC.
/// Every member has a default, so a recipe names only what it changes.
public struct ReaderOptions: Codable, Sendable, Equatable {
    /// JSONL member holding the text ("text"; datatrove's `text_key`, e.g. "html" for raw pages).
    public var textKey: String = "text"
    /// JSONL member holding the id ("id"); a record without it gets `<file>/<index>` with the
    /// 0-based line index, as datatrove's JsonlReader names it.
    public var idKey: String = "id"
    /// Skip and report bad records, or stop at the first (`.skip`: one bad line in a billion
    /// should not end a crawl run).
    public var onError: Recipe.ErrorPolicy = .skip
    /// Longest JSONL line, text file or WARC record read (64 MiB: far above any real document,
    /// low enough that one broken line cannot take the machine's memory).
    public var maxRecordBytes: Int = 64 << 20
    /// What to do with bytes that are not UTF-8 in JSONL lines and text files.
    public var invalidUTF8: InvalidUTF8Handling = .reject
    /// Drop records whose text is empty without reporting them (true: datatrove does the same).
    public var skipEmptyText: Bool = true

    /// Invalid UTF-8 handling.
    public enum InvalidUTF8Handling: String, Codable, Sendable {
        /// A bad record under `onError` (reported with file, line and byte offset): the default,
        /// because a mis-encoded line usually means a mis-encoded file.
        case reject
        /// Each maximal invalid sequence becomes U+FFFD (what Python's `errors="replace"` does).
        case replace
    }

    /// The defaults listed above.
    public init() {}

    /// Reads a recipe's reader section; missing members keep their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ReaderOptions()
        textKey = try c.decodeIfPresent(String.self, forKey: .textKey) ?? d.textKey
        idKey = try c.decodeIfPresent(String.self, forKey: .idKey) ?? d.idKey
        onError = try c.decodeIfPresent(Recipe.ErrorPolicy.self, forKey: .onError) ?? d.onError
        maxRecordBytes = try c.decodeIfPresent(Int.self, forKey: .maxRecordBytes) ?? d.maxRecordBytes
        invalidUTF8 = try c.decodeIfPresent(InvalidUTF8Handling.self, forKey: .invalidUTF8) ?? d.invalidUTF8
        skipEmptyText = try c.decodeIfPresent(Bool.self, forKey: .skipEmptyText) ?? d.skipEmptyText
    }
}
