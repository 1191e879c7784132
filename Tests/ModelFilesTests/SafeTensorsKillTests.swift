import Foundation
import Testing
import ModelFiles
import TestSupport

/// A writer killed (SIGKILL) mid-write leaves the destination whole: the old file or a complete
/// new one, never a partial file. The writer runs in a child: this test bundle started again
/// with only `writeUntilKilled` selected, which rewrites the destination until it is killed.
@Suite(.serialized) struct SafeTensorsKillTests {
    static let destinationVariable = "TERN_SAFETENSORS_WRITE_UNTIL_KILLED"
    static let bundle = CommandLine.arguments[0]
    static var canRestartBundle: Bool { bundle.hasSuffix(".xctest") && FileManager.default.isExecutableFile(atPath: bundle) }

    @Test(.enabled(if: canRestartBundle, "needs to start this test bundle again (run by swift test)"))
    func killMidWriteLeavesNoPartialFile() throws {
        let dir = temporaryPath("kill")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/model.safetensors"
        var old = SafeTensorsWriter(metadata: ["version": "old"])
        try old.add("w", shape: [2], floats: [1, 2])
        try old.write(to: path)

        for round in 0..<3 {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: Self.bundle)
            child.arguments = ["--testing-library", "swift-testing", "--filter", "SafeTensorsKillTests/writeUntilKilled"]
            child.environment = ProcessInfo.processInfo.environment.merging([Self.destinationVariable: path]) { $1 }
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            // Kill once a temporary file is partly written: in round r, after the child has
            // completed r rewrites (each rename gives the destination a new inode).
            func inode() -> UInt64? { (try? FileManager.default.attributesOfItem(atPath: path))?[.systemFileNumber] as? UInt64 }
            var lastInode = inode()
            var renames = 0
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, child.isRunning {
                let now = inode()
                if now != lastInode { renames += 1; lastInode = now }
                let partial = try FileManager.default.contentsOfDirectory(atPath: dir).contains { name in
                    name.hasPrefix(".model.safetensors.tmp-")
                        && ((try? FileManager.default.attributesOfItem(atPath: dir + "/" + name))?[.size] as? UInt64 ?? 0) > 1 << 20
                }
                if partial, renames >= round { break }
                usleep(1_000)
            }
            try #require(child.isRunning, "the writer exited: \(child.terminationStatus)")
            #expect(renames >= round, "round \(round): the child completed only \(renames) writes in time")
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            #expect(child.terminationReason == .uncaughtSignal)

            // The destination parses (a partial file would fail its exact-size check) and is one
            // of the two versions; the killed temporary file is left beside it, under its own name.
            let f = try SafeTensorsFile(path: path)
            #expect(["old", "new"].contains(f.metadata["version"]), "round \(round)")
            if f.metadata["version"] == "new" { #expect(f.tensors.count == 16) }
            let names = try FileManager.default.contentsOfDirectory(atPath: dir)
            #expect(names.contains("model.safetensors"))
            #expect(names.allSatisfy { $0 == "model.safetensors" || $0.hasPrefix(".model.safetensors.tmp-") }, "\(names)")
            let stale = names.filter { $0.hasPrefix(".model.safetensors.tmp-") }
            #expect(stale.count == 1, "the killed write's temporary file: \(names)")
            for name in stale { try FileManager.default.removeItem(atPath: dir + "/" + name) }  // the next round's must be its own
        }
    }

    /// The child's side: rewrites the destination with a 64 MB file until killed.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[destinationVariable] != nil,
                   "runs only as the child of killMidWriteLeavesNoPartialFile"))
    func writeUntilKilled() throws {
        let path = try #require(ProcessInfo.processInfo.environment[Self.destinationVariable])
        var w = SafeTensorsWriter(metadata: ["version": "new"])
        for i in 0..<16 { try w.add("w\(i)", shape: [1 << 20], floats: [Float](repeating: Float(i), count: 1 << 20)) }
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline { try w.write(to: path) }
    }
}
