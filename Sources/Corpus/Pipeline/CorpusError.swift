/// What went wrong in a corpus run, naming the file (and line, step or field) involved.
public enum CorpusError: Error, Sendable, CustomStringConvertible {
    /// The recipe file is unreadable or invalid: `file`, the field path, and why.
    case recipe(file: String, field: String, reason: String)
    /// An input record that could not be read: `file:line` and why (skipped or fatal per `on_error`).
    case input(file: String, line: Int, reason: String)
    /// An output or work file that could not be written or read back.
    case io(path: String, reason: String)
    /// The output folder holds a run of another recipe.
    case mismatchedRun(folder: String, reason: String)
    /// A step failed for a reason that is not about one document (a model file missing, say).
    case step(name: String, reason: String)

    public var description: String {
        switch self {
        case .recipe(let file, let field, let reason): return "\(file): \(field.isEmpty ? "" : "\(field): ")\(reason)"
        case .input(let file, let line, let reason): return "\(file):\(line): \(reason)"
        case .io(let path, let reason): return "\(path): \(reason)"
        case .mismatchedRun(let folder, let reason): return "\(folder): \(reason)"
        case .step(let name, let reason): return "step \(name): \(reason)"
        }
    }
}
