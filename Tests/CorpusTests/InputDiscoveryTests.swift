import Foundation
import Testing
import ModelFiles
import TestSupport
@testable import Corpus

/// Input discovery (files, folders, globs → sorted units of work) and the text-file reader.
@Suite struct InputDiscoveryTests {
    static func tree() throws -> ReaderScratch {
        let dir = try ReaderScratch("tree")
        try dir.write("b/page.html", "<p>b page</p>")
        try dir.write("b/notes.md", "# Notes\n\nbody")
        try dir.write("a.txt", "plain text")
        try dir.write("z/old.htm", "<p>old</p>")
        try dir.write("z/deeper/data.jsonl.gz", [UInt8]())
        try dir.write("z/deeper/crawl.warc.gz", [UInt8]())
        try dir.write("ignored.bin", [1, 2, 3])
        try dir.write(".hidden.txt", "hidden")
        try dir.write("b/empty.txt", "")
        try dir.write("stats.json", "{\"documents\": 3}")     // a manifest, not JSONL: skipped in a folder
        try dir.write("z/c4.json.gz", [UInt8]())               // C4's naming: JSONL
        return dir
    }

    @Test func folderIsSortedAndClassified() throws {
        let dir = try Self.tree()
        defer { dir.remove() }
        let files = try InputDiscovery.discover([dir.path])
        #expect(files.map(\.name) == ["a.txt", "b/empty.txt", "b/notes.md", "b/page.html", "z/c4.json.gz",
                                      "z/deeper/crawl.warc.gz", "z/deeper/data.jsonl.gz", "z/old.htm"])
        #expect(files.map(\.kind) == [.text, .text, .markdown, .html, .jsonl, .warc, .jsonl, .html])
        #expect(files.map(\.compression) == [.none, .none, .none, .none, .gzip, .gzip, .gzip, .none])
        #expect(files.map(\.size) == [10, 0, 13, 13, 0, 0, 0, 10])
        // Named explicitly, a .json file is read as JSONL.
        #expect(try InputDiscovery.discover([dir.path + "/stats.json"]).map(\.kind) == [.jsonl])
        // A folder named twice, or through a glob, gives each file once.
        let again = try InputDiscovery.discover([dir.path + "/z", dir.path, dir.path + "/b/*.html"])
        #expect(again.map(\.path) == files.map(\.path))
        let globbed = try InputDiscovery.discover([dir.path + "/*/*.ht*"])
        #expect(globbed.map(\.path) == [dir.path + "/b/page.html", dir.path + "/z/old.htm"])
    }

    @Test func textFolderReader() throws {
        let dir = try Self.tree()
        defer { dir.remove() }
        try dir.write("bad/latin1.txt", Array("line one\nline two caf".utf8) + [0xE9] + Array("\n".utf8))
        let reader = try TextFileReader(directory: dir.path)
        let docs = try reader.readAll()
        #expect(docs.map(\.id) == ["a.txt", "b/notes.md", "b/page.html", "z/old.htm"])
        #expect(docs.map { $0[metadata: "format"]?.string ?? "" } == ["text", "markdown", "html", "html"])
        #expect(docs[1].text == "# Notes\n\nbody")
        #expect(reader.skipped == [CorpusInputError(file: "bad/latin1.txt", line: 2, problem: .invalidUTF8(offset: 12))])
        #expect(throws: CorpusInputError.self) { try TextFileReader(directory: dir.path + "/a.txt") }
    }
}
