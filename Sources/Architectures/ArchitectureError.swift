import Compute
import ModelFiles

/// Errors building a model from a file: each names the file and what is wrong.
public enum ArchitectureError: Error, CustomStringConvertible {
    case unsupportedArchitecture(path: String, name: String)
    case badHyperParameter(path: String, key: String, reason: String)
    case wrongShape(path: String, tensor: String, expected: [Int], found: [Int])
    case unsupportedTensorType(path: String, tensor: String, type: GGMLType)
    case file(ModelFileError)
    case unsupportedForTraining(architecture: String, reason: String)

    public var description: String {
        switch self {
        case let .unsupportedArchitecture(path, name):
            return "\(path): unsupported architecture '\(name)' (supported: \(Architectures.supported.joined(separator: ", ")))"
        case let .badHyperParameter(path, key, reason): return "\(path): \(key): \(reason)"
        case let .wrongShape(path, tensor, expected, found):
            return "\(path): tensor '\(tensor)' has shape \(found), expected \(expected)"
        case let .unsupportedTensorType(path, tensor, type):
            return "\(path): tensor '\(tensor)' has type \(type), which Tern cannot compute with"
        case let .file(e): return e.description
        case let .unsupportedForTraining(architecture, reason):
            return "training \(architecture) models is not supported: \(reason)"
        }
    }
}
