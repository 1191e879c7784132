import ModelFiles

/// Why a tokenizer could not be built. Each case names the field or value that was wrong.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    /// `tokenizer.ggml.model` names an algorithm Tern does not implement (supported: `gpt2`, `llama`).
    case unknownModel(String)
    /// `tokenizer.ggml.pre` names a pre-tokenizer Tern does not implement for byte-level BPE.
    case unknownPreTokenizer(String)
    /// A required field is absent (e.g. `tokenizer.ggml.tokens`, or the merges of a BPE vocabulary).
    case missingField(String)
    /// A field is present but unusable: wrong length, wrong type, out-of-range value.
    case invalidField(String, reason: String)
    /// Two ids carry the same token text (llama.cpp refuses such vocabularies too).
    case duplicateToken(text: String, firstID: Int, secondID: Int)
    /// The vocabulary asks for a BOS/EOS token to be added but does not say which.
    case missingSpecialToken(flag: String, idField: String)
    /// The GGUF file itself could not be read.
    case file(ModelFileError)
    /// A tokenizer file (tokenizer.json) could not be opened, read or written.
    case fileAccess(path: String, reason: String)
    /// A `tokenizer.json` component or option Tern does not implement; `path` is its JSON path
    /// (e.g. `pre_tokenizer.pretokenizers[0].pattern.Regex`).
    case unsupported(path: String, reason: String)
    /// An error in the named file (a `tokenizer.json`).
    indirect case inFile(String, TokenizerError)

    /// What went wrong, in one line.
    public var description: String {
        switch self {
        case .unknownModel(let m):
            return "unknown tokenizer model '\(m)' in tokenizer.ggml.model (supported: gpt2, llama)"
        case .unknownPreTokenizer(let p):
            let names = PreTokenizer.supportedNames.joined(separator: ", ")
            return "unknown pre-tokenizer '\(p)' in tokenizer.ggml.pre (supported: \(names))"
        case .missingField(let f): return "tokenizer field '\(f)' is missing"
        case .invalidField(let f, let reason): return "tokenizer field '\(f)' is invalid: \(reason)"
        case .duplicateToken(let text, let a, let b):
            return "duplicate token in vocabulary: '\(text)' has ids \(a) and \(b)"
        case .missingSpecialToken(let flag, let idField): return "\(flag) is true, but \(idField) is not set"
        case .file(let e): return e.description
        case .fileAccess(let path, let reason): return "\(path): \(reason)"
        case .unsupported(let path, let reason): return "tokenizer.json '\(path)' is not supported: \(reason)"
        case .inFile(let file, let error): return "\(file): \(error.description)"
        }
    }
}
