/// Why a batch loader could not be made or resumed; each case names the value that was wrong.
public enum TokenBatchLoaderError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A size is out of range.
    case invalidConfiguration(field: String, reason: String)
    /// The token stream is too short for one window of `sequenceLength + 1` ids.
    case tooFewTokens(tokens: Int, needed: Int)
    /// A saved cursor belongs to another loader (other seed, order or data).
    case cursorMismatch(field: String, cursor: String, loader: String)
    /// A saved cursor points outside its stream.
    case cursorOutOfRange(field: String, value: Int, reason: String)

    /// What went wrong, in one line.
    public var description: String {
        switch self {
        case let .invalidConfiguration(field, reason): return "\(field): \(reason)"
        case let .tooFewTokens(tokens, needed):
            return "the token stream has \(tokens) tokens; one window needs \(needed) (sequence length + 1)"
        case let .cursorMismatch(field, cursor, loader):
            return "cannot resume: the cursor's \(field) is \(cursor), this loader's is \(loader)"
        case let .cursorOutOfRange(field, value, reason):
            return "cannot resume: the cursor's \(field) \(value) \(reason)"
        }
    }
}
