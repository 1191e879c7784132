#if canImport(Glibc)
import Glibc
#endif
import ModelFiles

/// What tests need to know about the machine: where the real models are, and whether their
/// absence is a failure (CI sets `TERN_REQUIRE_MODELS=1`) or a reason to skip.
public enum TestEnvironment {
    public static func value(_ name: String) -> String? {
        guard let v = getenv(name) else { return nil }
        return String(cString: v)
    }

    public static var processID: Int32 { getpid() }

    /// True when a missing real model must fail the run instead of skipping its tests.
    public static var modelsRequired: Bool { value("TERN_REQUIRE_MODELS") == "1" }

    /// Whether tests of the catalog model `shortName` should run: when it is installed, or when
    /// models are required (the test then fails on the missing file, as it should).
    public static func hasModel(_ shortName: String) -> Bool {
        ModelCatalog.installedPath(shortName) != nil || modelsRequired
    }

    /// The repository root (for fixtures), found from this source file's path.
    public static var repositoryRoot: String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3) // Tests/TestSupport/TestEnvironment.swift
        return parts.joined(separator: "/")
    }

    public static func fixturePath(_ relative: String) -> String { repositoryRoot + "/Tests/Fixtures/" + relative }
}
