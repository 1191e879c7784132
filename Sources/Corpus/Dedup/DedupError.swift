/// What went wrong in deduplication or decontamination, and where.
public enum DedupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A configuration value that cannot work (which, and why).
    case invalidConfig(String)
    /// A file that is not what it should be: path, byte offset, what was wrong.
    case malformedFile(path: String, offset: Int, reason: String)
    /// A file written with other parameters than the reader's (path, what differs).
    case mismatchedParameters(path: String, reason: String)
    /// Reading or writing a file failed (path, errno text).
    case io(path: String, reason: String)
    /// A JSONL line of an eval set without the text field (file, 1-based line, field).
    case missingField(path: String, line: Int, field: String)

    public var description: String {
        switch self {
        case .invalidConfig(let why): return "invalid dedup config: \(why)"
        case .malformedFile(let path, let offset, let reason): return "\(path) at byte \(offset): \(reason)"
        case .mismatchedParameters(let path, let reason): return "\(path): written with other parameters: \(reason)"
        case .io(let path, let reason): return "\(path): \(reason)"
        case .missingField(let path, let line, let field): return "\(path):\(line): no string field \"\(field)\""
        }
    }
}
