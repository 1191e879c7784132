import Foundation

/// Runs the built `tern` executable (it sits beside the test bundle in the build folder).
public enum TernBinary {
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    public static var path: String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The test runner may be inside the .xctest bundle folder.
        if dir.lastPathComponent.hasSuffix(".xctest") { dir = dir.deletingLastPathComponent() }
        for candidate in [dir.appendingPathComponent("tern").path,
                          TestEnvironment.repositoryRoot + "/.build/debug/tern"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return dir.appendingPathComponent("tern").path
    }

    /// Runs `tern arguments…` with `stdin` as input, waiting at most `timeout` seconds.
    public static func run(_ arguments: [String], stdin: String = "", environment: [String: String] = [:],
                           timeout: TimeInterval = 300) throws -> Output {
        try Subprocess.run(path, arguments, stdin: stdin, environment: environment, timeout: timeout)
    }
}

/// Runs a program to completion and collects its output.
public enum Subprocess {
    /// Runs `executable arguments…` with `stdin` as input, waiting at most `timeout` seconds.
    public static func run(_ executable: String, _ arguments: [String], stdin: String = "",
                           environment: [String: String] = [:], timeout: TimeInterval = 300) throws -> TernBinary.Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(stdin.data(using: .utf8)!)
        try input.fileHandleForWriting.close()
        // Drain both pipes concurrently so a chatty process cannot block on a full pipe.
        let outData = ReadBox(), errData = ReadBox()
        let group = DispatchGroup()
        for (pipe, box) in [(out, outData), (err, errData)] {
            group.enter()
            DispatchQueue.global().async { box.data = pipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        }
        if group.wait(timeout: .now() + timeout) == .timedOut { process.terminate() }
        process.waitUntilExit()
        return TernBinary.Output(status: process.terminationStatus, stdout: String(decoding: outData.data, as: UTF8.self),
                                 stderr: String(decoding: errData.data, as: UTF8.self))
    }
}

/// The Python of the project's virtual environment (made by scripts/setup-models, packages from
/// Tests/requirements.txt), which runs the reference implementations (HF tokenizers).
public enum ReferencePython {
    /// `$TERN_HOME/venv/bin/python` (default TERN_HOME: ~/.cache/tern).
    public static var path: String {
        let home = TestEnvironment.value("TERN_HOME") ?? ((TestEnvironment.value("HOME") ?? "") + "/.cache/tern")
        return home + "/venv/bin/python"
    }

    /// Whether `import module` works there. When models are required (CI), this is true so that
    /// a missing package fails the test that needs it instead of skipping it.
    public static func hasModule(_ module: String) -> Bool {
        if TestEnvironment.modelsRequired { return true }
        guard FileManager.default.isExecutableFile(atPath: path) else { return false }
        return (try? Subprocess.run(path, ["-c", "import \(module)"], timeout: 60).status) == 0
    }

    /// Runs a script of the repository (path relative to its root) with `arguments`.
    public static func run(script: String, _ arguments: [String], timeout: TimeInterval = 600) throws -> TernBinary.Output {
        try Subprocess.run(path, [TestEnvironment.repositoryRoot + "/" + script] + arguments, timeout: timeout)
    }
}

private final class ReadBox: @unchecked Sendable { var data = Data() }
