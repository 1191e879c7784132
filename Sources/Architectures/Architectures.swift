import ModelFiles

/// The decoder families Tern can run, by GGUF `general.architecture`.
public enum Architectures {
    public static let supported = ["llama", "qwen2", "gemma3"]

    /// The hyper-parameters of the model in `gguf`, or an error naming an unsupported architecture.
    public static func config(_ gguf: GGUFFile) throws(ArchitectureError) -> DecoderConfig {
        let name: String
        do { name = try gguf.string("general.architecture") } catch { throw .file(error) }
        switch name {
        case "llama": return try Llama.config(gguf)
        case "qwen2": return try Qwen2.config(gguf)
        case "gemma3": return try Gemma3.config(gguf)
        default: throw .unsupportedArchitecture(path: gguf.path, name: name)
        }
    }
}
