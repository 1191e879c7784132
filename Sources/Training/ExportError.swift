/// Errors exporting a model (GGUF, HF folder, PEFT adapters) or importing one: each names the
/// file, and the field or tensor, that is wrong.
public enum ExportError: Error, CustomStringConvertible {
    /// The graph's architecture has no mapping to the target format.
    case unsupportedArchitecture(String, format: String)
    /// A model feature the target format cannot express (partial RoPE, a tensor type).
    case unsupported(format: String, reason: String)
    /// A tensor holds NaN or infinity (an exported file would carry it silently).
    case nonFiniteValue(tensor: String)
    /// The tokenizer does not fit the model (more tokens than the embedding has rows, …).
    case tokenizer(path: String, reason: String)
    /// A JSON file (config.json, adapter_config.json) is missing a field or has a bad value.
    case badField(path: String, field: String, reason: String)
    case missingTensor(path: String, tensor: String)
    case wrongShape(path: String, tensor: String, expected: [Int], found: [Int])
    /// Reading or writing a file failed.
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unsupportedArchitecture(name, format): return "\(format) export: architecture '\(name)' is not supported"
        case let .unsupported(format, reason): return "\(format): \(reason)"
        case let .nonFiniteValue(tensor): return "tensor '\(tensor)' holds NaN or infinity; refusing to export it"
        case let .tokenizer(path, reason): return "\(path): tokenizer: \(reason)"
        case let .badField(path, field, reason): return "\(path): \(field): \(reason)"
        case let .missingTensor(path, tensor): return "\(path): missing tensor '\(tensor)'"
        case let .wrongShape(path, tensor, expected, found):
            return "\(path): tensor '\(tensor)' has shape \(found), expected \(expected)"
        case let .io(path, reason): return "\(path): \(reason)"
        }
    }
}
