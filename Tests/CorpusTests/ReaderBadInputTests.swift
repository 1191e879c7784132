import Foundation
import Testing
import ModelFiles
import TestSupport
@testable import Corpus

/// Bad input: every problem is named by file and line, follows the skip/fail policy, and the
/// documents before it are delivered.
@Suite struct ReaderBadInputTests {
    static func options(_ policy: Recipe.ErrorPolicy, _ utf8: ReaderOptions.InvalidUTF8Handling = .reject) -> ReaderOptions {
        var o = ReaderOptions()
        o.onError = policy
        o.invalidUTF8 = utf8
        return o
    }

    /// Line 2 holds a 0xFF byte inside the text, at byte 13 of the line.
    static let badUTF8: [UInt8] = Array(#"{"text":"ok 1"}"#.utf8) + [0x0A] + Array(#"{"text":"bad "#.utf8) + [0xFF]
        + Array(#" byte"}"#.utf8) + [0x0A] + Array(#"{"text":"ok 3"}"#.utf8) + [0x0A]

    @Test func invalidUTF8UnderEachPolicy() throws {
        let dir = try ReaderScratch("utf8")
        defer { dir.remove() }
        let path = try dir.write("bad.jsonl", Self.badUTF8)
        let skipping = try JSONLReader(path: path, options: Self.options(.skip))
        #expect(try skipping.readAll().map(\.text) == ["ok 1", "ok 3"])
        #expect(skipping.skipped.map(\.description) == ["\(path):2: invalid UTF-8: bad byte sequence at byte 13"])

        let failing = try JSONLReader(path: path, options: Self.options(.fail))
        #expect(try failing.next()?.text == "ok 1")
        #expect(throws: CorpusInputError(file: path, line: 2, problem: .invalidUTF8(offset: 13))) { try failing.next() }

        let replacing = try JSONLReader(path: path, options: Self.options(.fail, .replace))
        #expect(try replacing.readAll().map(\.text) == ["ok 1", "bad \u{FFFD} byte", "ok 3"])
    }

    @Test func malformedLinesAndTextMembers() throws {
        let dir = try ReaderScratch("malformed")
        defer { dir.remove() }
        let lines = [#"{"id":"a","text":"fine"}"#, #"{"id":"b","text":"no end""#, "[1,2,3]", #"{"id":"d","body":"x"}"#,
                     #"{"id":"e","text":5}"#, #"{"id":"f","text":null}"#, #"{"id":"g","text":"fine too"}"#]
        let path = try dir.write("m.jsonl", lines.joined(separator: "\n") + "\n")
        let reader = try JSONLReader(path: path, name: "m.jsonl")
        #expect(try reader.readAll().map(\.id) == ["a", "g"])
        #expect(reader.skipped.map(\.description) == [
            "m.jsonl:2: malformed JSON: unterminated object at byte 25",
            "m.jsonl:3: not a JSON object: the line is JSON of another type",
            "m.jsonl:4: missing text: no \"text\" member",
            "m.jsonl:5: text not a string: \"text\" is a number",
            "m.jsonl:6: text not a string: \"text\" is null",
        ])
        let failing = try JSONLReader(path: path, name: "m.jsonl", options: Self.options(.fail))
        _ = try failing.next()
        #expect(throws: CorpusInputError.self) { try failing.next() }
    }

    /// The datatrove-made .gz and .zst files cut short: the lines before the cut are delivered,
    /// then the error names the file and the last good line.
    @Test(arguments: ["docs.jsonl.gz", "docs.jsonl.zst"])
    func truncatedCompressedFixture(file: String) throws {
        let dir = try ReaderScratch("trunc")
        defer { dir.remove() }
        let whole = try ReaderFixtures.bytes(ReaderFixtures.jsonl("input/" + file))
        let all = try JSONLReader(path: ReaderFixtures.jsonl("input/" + file)).readAll()
        let path = try dir.write(file, Array(whole.prefix(whole.count * 2 / 3)))
        let reader = try JSONLReader(path: path, options: Self.options(.fail))
        var got = [Document]()
        var failure: CorpusInputError?
        do { while let d = try reader.next() { got.append(d) } } catch { failure = error }
        let error = try #require(failure)
        // zstd emits nothing of a block until it has all of it: this small file is one block.
        #expect(got.count >= (file.hasSuffix(".gz") ? 1 : 0) && got.count < all.count)
        #expect(zip(got, all).allSatisfy { $0.text == $1.text })
        guard case .truncated(let last) = error.problem else { Issue.record("expected truncation, got \(error)"); return }
        #expect(error.file == path && last >= (got.last?.origin.line ?? 0) && last < all[all.count - 1].origin.line)
    }

    /// A large gzip file of our own cut in the middle: exactly the complete lines come out, and
    /// under `.skip` the truncation is reported rather than thrown.
    @Test(arguments: [Compression.gzip, .zstd])
    func truncatedLargeFileKeepsEveryCompleteLine(compression: Compression) throws {
        let dir = try ReaderScratch("trunc-big")
        defer { dir.remove() }
        let writer = try JSONLWriter(path: dir.path + "/big.jsonl" + compression.fileSuffix)
        for i in 0..<20_000 { try writer.write(Document(id: "\(i)", text: "document \(i) " + String(repeating: "x", count: i % 97))) }
        try writer.finish()
        let whole = try ReaderFixtures.bytes(writer.path)
        let cut = try dir.write("cut.jsonl" + compression.fileSuffix, Array(whole.prefix(whole.count / 2)))
        let reader = try JSONLReader(path: cut, options: Self.options(.skip))
        let docs = try reader.readAll()
        #expect(docs.count > 5_000 && docs.count < 20_000)
        #expect(docs.enumerated().allSatisfy { $0.element.id == "\($0.offset)" })
        #expect(reader.skipped == [CorpusInputError(file: cut, line: 0, problem: .truncated(lastGoodLine: docs.count))])
    }

    @Test func corruptGzipIsReported() throws {
        let dir = try ReaderScratch("corrupt")
        defer { dir.remove() }
        var bytes = try ReaderFixtures.bytes(ReaderFixtures.jsonl("input/docs.jsonl.gz"))
        for i in 20..<60 { bytes[i] ^= 0x5A }
        let path = try dir.write("c.jsonl.gz", bytes)
        let reader = try JSONLReader(path: path)
        _ = try reader.readAll()
        #expect(reader.skipped.count == 1)
        if case .corruptStream = reader.skipped.first?.problem {} else if case .truncated = reader.skipped.first?.problem {} else {
            Issue.record("expected a stream error, got \(reader.skipped)")
        }
    }

    /// A 100 MB line over the 64 MiB limit is dropped as it streams past, reported with its
    /// length; the lines around it are read.
    @Test func hundredMegabyteLineIsSkipped() throws {
        let dir = try ReaderScratch("huge")
        defer { dir.remove() }
        let path = dir.path + "/huge.jsonl"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.write(Data(#"{"id":"before","text":"a"}"#.utf8 + [0x0A] + #"{"id":"huge","text":""#.utf8))
        let block = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<100 { handle.write(block) }
        handle.write(Data(#""}"#.utf8 + [0x0A] + #"{"id":"after","text":"b"}"#.utf8 + [0x0A]))
        try handle.close()
        let hugeLength = 21 + (100 << 20) + 2
        let reader = try JSONLReader(path: path, name: "huge.jsonl")
        #expect(try reader.readAll().map(\.id) == ["before", "after"])
        #expect(reader.skipped == [CorpusInputError(file: "huge.jsonl", line: 2, problem: .tooLong(bytes: hugeLength, limit: 64 << 20))])
        let failing = try JSONLReader(path: path, name: "huge.jsonl", options: Self.options(.fail))
        #expect(try failing.next()?.id == "before")
        // (Not #expect(throws:): on failure it would print the 100 MB document.)
        do { let d = try failing.next(); Issue.record("expected an error, read \(d?.id ?? "nothing")") } catch {
            #expect(error.line == 2)
        }
    }

    @Test func emptyFilesAndMissingPaths() throws {
        let dir = try ReaderScratch("empty")
        defer { dir.remove() }
        for name in ["e.jsonl", "e.jsonl.gz", "e.jsonl.zst", "e.warc.gz"] {
            let path = try dir.write(name, [UInt8]())
            let reader = try InputDiscovery.discover([path])[0].openReader()
            #expect(try reader.readAll().isEmpty)
            #expect(reader.skipped.isEmpty)
        }
        #expect(throws: CorpusInputError(file: dir.path + "/nope.jsonl", line: 0, problem: .notFound)) {
            try JSONLReader(path: dir.path + "/nope.jsonl")
        }
        #expect(throws: CorpusInputError(file: dir.path + "/nope", line: 0, problem: .notFound)) {
            try TextFileReader(directory: dir.path + "/nope")
        }
        #expect(throws: CorpusInputError(file: dir.path + "/nope", line: 0, problem: .notFound)) {
            try InputDiscovery.discover([dir.path + "/nope"])
        }
        #expect(throws: CorpusInputError.self) { try InputDiscovery.discover([dir.path + "/*.none"]) }
    }
}
