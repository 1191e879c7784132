import Foundation
import Testing
import ModelFiles
import TestSupport
@testable import Corpus

/// Writers: Python's compact json.dumps bytes, deterministic compression that Python reads back,
/// atomic rename, shards, exclusions.
@Suite struct JSONLWriterTests {
    static func fixtureDocuments() throws -> [Document] {
        try JSONLReader(path: ReaderFixtures.jsonl("input/docs.jsonl"), name: "docs.jsonl").readAll()
    }

    @Test func writesPythonsBytes() throws {
        let dir = try ReaderScratch("w-bytes")
        defer { dir.remove() }
        let writer = try JSONLWriter(path: dir.path + "/out.jsonl")
        for d in try Self.fixtureDocuments() { try writer.write(d) }
        try writer.finish()
        #expect(try ReaderFixtures.bytes(dir.path + "/out.jsonl") == ReaderFixtures.bytes(ReaderFixtures.jsonl("expected/docs.jsonl")))
    }

    @Test(arguments: [Compression.gzip, .zstd])
    func compressedOutputIsDeterministicAndReadable(compression: Compression) throws {
        let dir = try ReaderScratch("w-comp")
        defer { dir.remove() }
        let docs = try Self.fixtureDocuments()
        var files = [[UInt8]]()
        for name in ["one", "two"] {
            let writer = try JSONLWriter(path: dir.path + "/\(name).jsonl" + compression.fileSuffix)
            for d in docs { try writer.write(d) }
            try writer.finish()
            files.append(try ReaderFixtures.bytes(writer.path))
        }
        #expect(files[0] == files[1])
        if compression == .gzip { #expect(Array(files[0][0..<10]) == [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3]) }
        let back = try JSONLReader(path: dir.path + "/one.jsonl" + compression.fileSuffix, name: "docs.jsonl").readAll()
        #expect(back.map(ReaderFixtures.line) == docs.map(ReaderFixtures.line))
        // Python's gzip module / the zstandard package decompress it to the plain file's bytes
        // (when the reference venv has them: zstandard is not in Tests/requirements.txt).
        let module = compression == .gzip ? "gzip" : "zstandard"
        guard FileManager.default.isExecutableFile(atPath: ReferencePython.path),
              (try? Subprocess.run(ReferencePython.path, ["-c", "import " + module], timeout: 60))?.status == 0 else { return }
        let script = "import sys," + module + "; d=open(sys.argv[1],'rb').read(); "
            + (compression == .gzip ? "p=gzip.decompress(d); " : "p=zstandard.ZstdDecompressor().decompressobj().decompress(d); ")
            + "sys.stdout.write('same' if p==open(sys.argv[2],'rb').read() else 'different')"
        let r = try Subprocess.run(ReferencePython.path, ["-c", script, dir.path + "/one.jsonl" + compression.fileSuffix,
                                                          ReaderFixtures.jsonl("expected/docs.jsonl")], timeout: 60)
        #expect(r.stdout == "same", "\(r.stderr)")
    }

    @Test func nothingUnderTheFinalNameBeforeFinish() throws {
        let dir = try ReaderScratch("w-atomic")
        defer { dir.remove() }
        let final = dir.path + "/part.jsonl.zst"
        do {
            let writer = try JSONLWriter(path: final)
            try writer.write(Document(id: "1", text: "one"))
            #expect(!FileManager.default.fileExists(atPath: final))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).count == 1)  // the temporary file
        }
        // Dropped without finish(): the temporary file is gone too.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        let writer = try JSONLWriter(path: final)
        try writer.write(Document(id: "1", text: "one"))
        try writer.finish()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["part.jsonl.zst"])
    }

    @Test func shardsAndExclusions() throws {
        let dir = try ReaderScratch("w-shards")
        defer { dir.remove() }
        let docs = try Self.fixtureDocuments()
        let sharded = try ShardedJSONLWriter(folder: dir.path + "/out", prefix: "00003", compression: .gzip, maxShardBytes: 300)
        for d in docs { try sharded.write(d) }
        let shards = try sharded.finish()
        #expect(shards.count > 2)
        #expect(shards.first == dir.path + "/out/00003-00000.jsonl.gz")
        var back = [Document]()
        for s in shards { back += try JSONLReader(path: s, name: "docs.jsonl").readAll() }
        #expect(back.map(ReaderFixtures.line) == docs.map(ReaderFixtures.line))

        let excluded = try ExclusionWriter(folder: dir.path + "/removed", prefix: "00000")
        try excluded.write(docs[0], reason: "gopher_short_doc")
        let files = try excluded.finish()
        let line = try ReaderFixtures.lines(files[0])[0]
        #expect(line == #"{"id":"a-1","text":"Plain ASCII text.\nSecond line.","metadata":{"url":"https://example.com/a","score":0.5,"filter_reason":"gopher_short_doc"}}"#)
    }
}
