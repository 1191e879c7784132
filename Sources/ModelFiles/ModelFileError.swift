/// Errors reading or writing model files. Each names the file and what was wrong where.
public enum ModelFileError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case notGGUF(path: String, magic: String)
    case unsupportedVersion(path: String, version: UInt32)
    case truncated(path: String, offset: Int, reading: String)
    case malformed(path: String, offset: Int, reason: String)
    case unknownTensorType(path: String, tensor: String, typeID: UInt32)
    case tensorOutOfBounds(path: String, tensor: String, end: Int, fileSize: Int)
    case missingKey(path: String, key: String)
    case wrongKeyType(path: String, key: String, expected: String, found: String)
    case missingTensor(path: String, tensor: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "\(path): cannot open: \(reason)"
        case let .notGGUF(path, magic): return "\(path): not a GGUF file (magic \(magic), expected \"GGUF\")"
        case let .unsupportedVersion(path, v): return "\(path): unsupported GGUF version \(v) (supported: 2, 3)"
        case let .truncated(path, offset, what): return "\(path): truncated: file ends at byte \(offset) while reading \(what)"
        case let .malformed(path, offset, reason): return "\(path): malformed GGUF at byte \(offset): \(reason)"
        case let .unknownTensorType(path, tensor, id):
            return "\(path): tensor '\(tensor)' has unknown or unsupported type id \(id)"
        case let .tensorOutOfBounds(path, tensor, end, size):
            return "\(path): tensor '\(tensor)' data ends at byte \(end), past the end of the file (\(size) bytes)"
        case let .missingKey(path, key): return "\(path): missing metadata key '\(key)'"
        case let .wrongKeyType(path, key, expected, found):
            return "\(path): metadata key '\(key)' is \(found), expected \(expected)"
        case let .missingTensor(path, tensor): return "\(path): missing tensor '\(tensor)'"
        case let .writeFailed(path, reason): return "\(path): write failed: \(reason)"
        }
    }
}
