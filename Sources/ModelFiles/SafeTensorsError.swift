/// Errors reading or writing safetensors files (and their sharded index). Each names the file,
/// and the tensor, key or byte offset where the problem is.
public enum SafeTensorsError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    /// The file is shorter than the 8-byte header length.
    case headerTooSmall(path: String, fileSize: Int)
    /// The header length exceeds the 100,000,000-byte limit of the format.
    case headerTooLarge(path: String, headerLength: UInt64)
    /// The header length points past the end of the file.
    case headerBeyondFile(path: String, headerLength: UInt64, fileSize: Int)
    /// The header is not UTF-8 JSON of the expected shape. `offset` is a byte offset in the file.
    case invalidHeader(path: String, offset: Int, reason: String)
    case unknownDType(path: String, tensor: String, dtype: String)
    /// A tensor name, or a key of `__metadata__`, appears twice.
    case duplicateName(path: String, name: String)
    /// A tensor's header entry is unusable: shape overflow, or sub-byte elements that do not end on a byte.
    case invalidTensorInfo(path: String, tensor: String, reason: String)
    /// `data_offsets` out of order: end before begin, or a gap or overlap with the previous tensor
    /// (the tensors must tile the data buffer from 0 without holes).
    case invalidOffsets(path: String, tensor: String, begin: Int, end: Int, reason: String)
    /// `end - begin` differs from the product of the shape times the element size.
    case sizeMismatch(path: String, tensor: String, dtype: SafeTensorsDType, shape: [Int], expected: Int, actual: Int)
    /// The file ends before the data buffer the header describes.
    case truncated(path: String, fileSize: Int, expected: Int)
    /// Bytes follow the last tensor: the data buffer must end exactly at the end of the file.
    case trailingBytes(path: String, fileSize: Int, expected: Int)
    case missingTensor(path: String, tensor: String)
    case notFloatingPoint(path: String, tensor: String, dtype: SafeTensorsDType)
    /// A sharded model's `model.safetensors.index.json` is unusable.
    case invalidIndex(path: String, reason: String)
    /// A tensor handed to the writer is inconsistent (no file exists yet).
    case invalidTensor(tensor: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "\(path): cannot open: \(reason)"
        case let .headerTooSmall(path, size):
            return "\(path): not a safetensors file: \(size) bytes, shorter than the 8-byte header length"
        case let .headerTooLarge(path, n):
            return "\(path): safetensors header length \(n) exceeds the limit of 100000000 bytes"
        case let .headerBeyondFile(path, n, size):
            return "\(path): safetensors header of \(n) bytes extends past the end of the file (\(size) bytes)"
        case let .invalidHeader(path, offset, reason): return "\(path): invalid safetensors header at byte \(offset): \(reason)"
        case let .unknownDType(path, tensor, dtype): return "\(path): tensor '\(tensor)' has unknown dtype \"\(dtype)\""
        case let .duplicateName(path, name): return "\(path): '\(name)' appears twice in the header"
        case let .invalidTensorInfo(path, tensor, reason): return "\(path): tensor '\(tensor)': \(reason)"
        case let .invalidOffsets(path, tensor, begin, end, reason):
            return "\(path): tensor '\(tensor)' has data_offsets [\(begin), \(end)]: \(reason)"
        case let .sizeMismatch(path, tensor, dtype, shape, expected, actual):
            return "\(path): tensor '\(tensor)' (\(dtype) \(shape)) needs \(expected) bytes but its data_offsets span \(actual)"
        case let .truncated(path, size, expected):
            return "\(path): truncated: the header describes \(expected) bytes but the file has \(size)"
        case let .trailingBytes(path, size, expected):
            return "\(path): \(size - expected) bytes after the last tensor (the header describes \(expected) of \(size) bytes)"
        case let .missingTensor(path, tensor): return "\(path): missing tensor '\(tensor)'"
        case let .notFloatingPoint(path, tensor, dtype):
            return "\(path): tensor '\(tensor)' is \(dtype), not a floating-point type convertible to f32"
        case let .invalidIndex(path, reason): return "\(path): invalid safetensors index: \(reason)"
        case let .invalidTensor(tensor, reason): return "tensor '\(tensor)': \(reason)"
        case let .writeFailed(path, reason): return "\(path): write failed: \(reason)"
        }
    }
}
