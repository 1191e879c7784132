import Foundation
import Testing
import ModelFiles
import TestSupport
@testable import Corpus

/// The readers and writers as the run's seams: a whole run over mixed inputs with
/// `FileAccess.standard()`, and the source's order of bad items and documents.
@Suite struct PipelineAdapterTests {
    @Test func sourceYieldsBadItemsInOrderAndEndsAtTruncation() throws {
        let dir = try ReaderScratch("adapter")
        defer { dir.remove() }
        let path = try dir.write("a.jsonl", "{\"text\":\"one\"}\n{oops\n{\"text\":\"two\"}\n")
        var source = ReaderSource(try JSONLReader(path: path, name: "a.jsonl"))
        var items = [String]()
        while let item = try source.next() {
            switch item {
            case .document(let d): items.append(d.text)
            case .bad(let e): items.append("\(e)")
            }
        }
        #expect(items == ["one", "a.jsonl:2: malformed JSON: expected a key at byte 1", "two"])

        let whole = try ReaderFixtures.bytes(ReaderFixtures.warc("input/crawl.warc.gz"))
        let cut = try dir.write("cut.warc.gz", Array(whole.prefix(whole.count - 200)))
        var warc = ReaderSource(try WARCReader(path: cut, name: "cut.warc.gz"))
        var pages = 0, bad = [String]()
        while let item = try warc.next() {
            switch item {
            case .document: pages += 1
            case .bad(let e): bad.append("\(e)")
            }
        }
        // The pages before the cut, then the cut as the last item (skipped or fatal per on_error).
        #expect(pages == 5)
        #expect(bad == ["cut.warc.gz:10: truncated compressed stream: ends after line 10"])
    }

    @Test func wholeRunOverMixedInputs() throws {
        let dir = try ReaderScratch("adapter-run")
        defer { dir.remove() }
        try dir.write("in/a.jsonl", "{\"id\":\"a1\",\"text\":\"keep me\"}\n{broken\n{\"id\":\"a2\",\"text\":\"a bad one\"}\n")
        try dir.write("in/b.txt", "plain text file")
        try dir.write("in/c.html", "<p>a page</p>")
        try dir.write("in/d.warc.gz", try ReaderFixtures.bytes(ReaderFixtures.warc("input/crawl.warc.gz")))
        let recipe = try Recipe.parse("inputs: [in]\noutput: out\nworkers: 1\ncompression: gzip\nsteps:\n  - drop_word: {}\n",
                                      file: "r.yaml", baseDirectory: dir.path)
        let units = try InputDiscovery.units(for: recipe)
        #expect(units.map { String($0.path.split(separator: "/").last!) } == ["a.jsonl", "b.txt", "c.html", "d.warc.gz"])
        let plan = PipelinePlan(steps: [.document(DropWord(word: "bad"))])
        let report = try CorpusRun(recipe: recipe, plan: plan, units: units, files: .standard()).run()
        #expect(report.read.documentsOut == 2 + 1 + 1 + 6)
        #expect(report.read.reasons["malformed JSON"] == 1)
        let kept = try JSONLReader(path: dir.path + "/out/data/00000.jsonl.gz").readAll()
        #expect(kept.map(\.id) == ["a1"])
        let page = try JSONLReader(path: dir.path + "/out/data/00002.jsonl.gz").readAll()
        #expect(page.map(\.id) == ["c.html"] && page.first?[metadata: "format"]?.string == "html")
        let removed = try JSONLReader(path: dir.path + "/out/removed/00_drop_word/00000.jsonl.gz").readAll()
        #expect(removed.map(\.id) == ["a2"] && removed.first?[metadata: "filter_reason"]?.string == "has_bad")
    }
}
