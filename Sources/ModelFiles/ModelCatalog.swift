#if canImport(Glibc)
import Glibc
#endif

/// Resolves a model given by path or by short name (`smollm2-135m`, `gemma3-270m`,
/// `qwen2.5-0.5b`, `qwen2.5-1.5b`) to a file.
///
/// Short names are looked up in the models folder that `scripts/setup-models` fills:
/// `$TERN_MODELS`, else `$TERN_HOME/models`, else `~/.cache/tern/models`.
public enum ModelCatalog {
    public struct Entry: Sendable {
        public let shortName: String
        public let fileName: String
        public let sha256: String
        public let summary: String
    }

    /// The real models the project is tested on (see scripts/setup-models).
    public static let entries: [Entry] = [
        Entry(shortName: "smollm2-135m", fileName: "SmolLM2-135M-Instruct.Q4_1.gguf",
              sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
              summary: "SmolLM2 135M Instruct, llama architecture, Q4_1"),
        Entry(shortName: "gemma3-270m", fileName: "gemma-3-270m-q4_k_m.gguf",
              sha256: "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
              summary: "Gemma 3 270M base, gemma3 architecture, Q4_K_M"),
        Entry(shortName: "qwen2.5-0.5b", fileName: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
              sha256: "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
              summary: "Qwen2.5-Coder 0.5B Instruct, qwen2 architecture, Q4_K_M"),
        Entry(shortName: "qwen2.5-1.5b", fileName: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
              sha256: "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
              summary: "Qwen2.5-Coder 1.5B Instruct, qwen2 architecture, Q4_K_M"),
    ]

    /// The model `tern` uses when none is given.
    public static let defaultModel = "smollm2-135m"

    /// The folder short names resolve in.
    public static var modelsDirectory: String {
        let env = ProcessInfo.environment
        if let d = env["TERN_MODELS"], !d.isEmpty { return d }
        if let h = env["TERN_HOME"], !h.isEmpty { return h + "/models" }
        return (env["HOME"] ?? ".") + "/.cache/tern/models"
    }

    /// A path for `nameOrPath`: an existing file as given, else a catalog short name.
    public static func resolve(_ nameOrPath: String) throws(ModelFileError) -> String {
        if let entry = entries.first(where: { $0.shortName == nameOrPath }) {
            let path = modelsDirectory + "/" + entry.fileName
            guard access(path, R_OK) == 0 else {
                throw .cannotOpen(path: path, reason: "model '\(entry.shortName)' is not installed; run scripts/setup-models \(entry.shortName)")
            }
            return path
        }
        if access(nameOrPath, F_OK) == 0 { return nameOrPath }
        let names = entries.map(\.shortName).joined(separator: ", ")
        throw .cannotOpen(path: nameOrPath, reason: "no such file, and not a known model name (\(names))")
    }

    /// The path of a catalog model when it is installed, else nil (used by tests and benchmarks).
    public static func installedPath(_ shortName: String) -> String? {
        try? resolve(shortName)
    }
}

/// Environment access without Foundation.
enum ProcessInfo {
    static var environment: [String: String] {
        var out = [String: String]()
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { out[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return out
    }
}
