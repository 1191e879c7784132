import Foundation
import Testing
import ModelFiles
import TestSupport
@testable import Corpus

/// The WARC reader against datatrove's WarcReader on an archive written by warcio
/// (scripts/fixtures/warc_fixture.py): the same pages with the same ids, text, url and date.
@Suite struct WARCReaderTests {
    /// datatrove's documents, plus the resource record (which datatrove does not read), by id.
    static func expected() throws -> [String: (text: String, url: String, date: String)] {
        var out = [String: (text: String, url: String, date: String)]()
        for file in ["expected/crawl.jsonl", "expected/resource.jsonl"] {
            for line in try ReaderFixtures.lines(ReaderFixtures.warc(file)) {
                let v = try JSONValue.parse(Array(line.utf8))
                out[v["id"]?.string ?? ""] = (v["text"]?.string ?? "", v["metadata"]?["url"]?.string ?? "", v["metadata"]?["date"]?.string ?? "")
            }
        }
        return out
    }

    @Test(arguments: ["crawl.warc.gz", "crawl.warc"])
    func readsThePagesDatatroveReads(file: String) throws {
        let reader = try WARCReader(path: ReaderFixtures.warc("input/" + file), name: file)
        let docs = try reader.readAll()
        let expected = try Self.expected()
        #expect(docs.count == expected.count)
        #expect(Set(docs.map(\.id)) == Set(expected.keys))
        for d in docs {
            guard let e = expected[d.id] else { continue }
            #expect(d.text == e.text, "\(d.id)")
            #expect(d[metadata: "url"]?.string == e.url && d[metadata: "date"]?.string == e.date)
            #expect(d[metadata: "format"]?.string == "html")
            #expect(d.metadata.map(\.key) == ["url", "date", "format"])
        }
        // Record numbers count every record: warcinfo is 1, request 2, the first page 3.
        #expect(docs.map(\.origin.line) == [3, 4, 7, 8, 9, 11])
        #expect(reader.skipped.isEmpty)
    }

    @Test func truncatedArchiveKeepsEarlierPages() throws {
        let dir = try ReaderScratch("warc-trunc")
        defer { dir.remove() }
        let whole = try ReaderFixtures.bytes(ReaderFixtures.warc("input/crawl.warc.gz"))
        let path = try dir.write("cut.warc.gz", Array(whole.prefix(whole.count - 200)))
        var options = ReaderOptions()
        options.onError = .fail
        let reader = try WARCReader(path: path, name: "cut.warc.gz", options: options)
        var ids = [String]()
        var failure: CorpusInputError?
        do { while let d = try reader.next() { ids.append(d.id) } } catch { failure = error }
        #expect(ids.count == 5)
        #expect(failure == CorpusInputError(file: "cut.warc.gz", line: 0, problem: .truncated(lastGoodLine: 10)))
    }

    @Test func handMadeRecords() throws {
        let dir = try ReaderScratch("warc-hand")
        defer { dir.remove() }
        func record(_ type: String, _ id: Int, _ headers: String, _ block: [UInt8]) -> [UInt8] {
            Array("WARC/1.1\r\nWARC-Type: \(type)\r\nWARC-Record-ID: <urn:x:\(id)>\r\nWARC-Target-URI: http://h/\(id)\r\n\(headers)Content-Length: \(block.count)\r\n\r\n".utf8)
                + block + Array("\r\n\r\n".utf8)
        }
        let chunkedBody = Array("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n<p>a\r\n3\r\nbc<\r\n3\r\n/p>\r\n0\r\n\r\n".utf8)
        let latin1 = Array("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>caf".utf8) + [0xE9, 0x80] + Array("</p>".utf8)
        let sjis = Array("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=Shift_JIS\r\n\r\n".utf8) + [0x82, 0xA0, 0xFF]
        let conversion = Array("Plain text of a WET record.".utf8)
        let bytes = record("response", 1, "", chunkedBody) + record("response", 2, "", latin1)
            + record("response", 3, "", sjis) + record("conversion", 4, "Content-Type: text/plain\r\n", conversion)
            + record("response", 5, "", Array("not http at all".utf8))
        let path = try dir.write("hand.warc", bytes)
        let reader = try WARCReader(path: path, name: "hand.warc")
        let docs = try reader.readAll()
        #expect(docs.map(\.text) == ["<p>abc</p>", "<p>café€</p>", "Plain text of a WET record."])
        #expect(docs.map { $0[metadata: "format"]?.string ?? "" } == ["html", "html", "text"])
        #expect(reader.skipped == [CorpusInputError(file: "hand.warc", line: 3, problem: .undecodableBody(charset: "shift_jis"))])
    }

    @Test func notAWARCFile() throws {
        let dir = try ReaderScratch("warc-bad")
        defer { dir.remove() }
        let path = try dir.write("x.warc", "this is not a warc file\n")
        let reader = try WARCReader(path: path, name: "x.warc")
        #expect(try reader.readAll().isEmpty)
        #expect(reader.skipped.map(\.description) == ["x.warc:1: malformed record: expected a WARC/1.x version line, found \"this is not a warc file\""])
    }
}
