import Foundation
import Testing
import ModelFiles
import TestSupport
@testable import Corpus

/// The JSONL reader against datatrove's JsonlReader (scripts/fixtures/jsonl_fixture.py).
@Suite struct JSONLReaderTests {
    @Test(arguments: ["docs.jsonl", "docs.jsonl.gz", "docs.jsonl.zst"])
    func readsWhatDatatroveReads(file: String) throws {
        let reader = try JSONLReader(path: ReaderFixtures.jsonl("input/" + file), name: "docs.jsonl")
        let ours = try reader.readAll().map(ReaderFixtures.line)
        let expected = try ReaderFixtures.lines(ReaderFixtures.jsonl("expected/docs.jsonl"))
        #expect(ours.count == expected.count)
        for (a, b) in zip(ours, expected) { #expect(a == b) }
        #expect(reader.skipped.isEmpty)
        #expect(reader.emptyTextCount == 1)
    }

    @Test func textKeyHTML() throws {
        var options = ReaderOptions()
        options.textKey = "html"
        let reader = try JSONLReader(path: ReaderFixtures.jsonl("input/pages.jsonl"), name: "pages.jsonl", options: options)
        let ours = try reader.readAll().map(ReaderFixtures.line)
        let expected = try ReaderFixtures.lines(ReaderFixtures.jsonl("expected/pages.jsonl"))
        #expect(ours == expected)
    }

    @Test func originsAndCRLF() throws {
        let dir = try ReaderScratch("crlf")
        defer { dir.remove() }
        let path = try dir.write("a.jsonl", "{\"text\":\"one\"}\r\n\r\n{\"id\":\"b\",\"text\":\"two\"}\r\n{\"text\":\"three\"}")
        let docs = try JSONLReader(path: path, name: "a.jsonl").readAll()
        #expect(docs.map(\.text) == ["one", "two", "three"])
        #expect(docs.map(\.origin.line) == [1, 3, 4])
        #expect(docs.map(\.id) == ["a.jsonl/0", "b", "a.jsonl/3"])
    }

    @Test func optionsDecodeWithDefaults() throws {
        let options = try JSONDecoder().decode(ReaderOptions.self, from: Data(#"{"textKey":"html","onError":"fail"}"#.utf8))
        #expect(options.textKey == "html" && options.onError == .fail)
        #expect(options.idKey == "id" && options.maxRecordBytes == 64 << 20 && options.invalidUTF8 == .reject)
    }

    @Test func utf8ValidatorMatchesTheReference() {
        var rng = SplitMix64(seed: 7)
        let pieces: [[UInt8]] = [[0x41], [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0x80], [0xC0, 0xAF],
                                 [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE0, 0x80, 0x80], [0xC3], [0xF0, 0x9F, 0x98],
                                 Array("plain ascii text run ".utf8), [0xFF], [0xEF, 0xBB, 0xBF]]
        var mismatches = 0
        for _ in 0..<3000 {
            var bytes = [UInt8]()
            for _ in 0..<Int(rng.next() % 12) { bytes += pieces[Int(rng.next() % UInt64(pieces.count))] }
            let fast = bytes.withUnsafeBytes { UTF8Validation.firstInvalidOffset($0) }
            if fast != UTF8Validation.firstInvalidOffsetReference(bytes) { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }
}
