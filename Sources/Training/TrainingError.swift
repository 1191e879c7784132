/// Errors of training runs: each names the file or setting and what is wrong.
public enum TrainingError: Error, CustomStringConvertible {
    case io(path: String, reason: String)
    case badConfig(field: String, reason: String)
    case badCheckpoint(path: String, reason: String)
    case badData(path: String, reason: String)

    public var description: String {
        switch self {
        case let .io(path, reason): return "\(path): \(reason)"
        case let .badConfig(field, reason): return "config: \(field): \(reason)"
        case let .badCheckpoint(path, reason): return "checkpoint \(path): \(reason)"
        case let .badData(path, reason): return "data \(path): \(reason)"
        }
    }
}
