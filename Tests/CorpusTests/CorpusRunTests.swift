import Foundation
import Testing
import ModelFiles
@testable import Corpus

/// A step that drops documents containing a word, and upper-cases others' first letter.
struct DropWord: DocumentStep {
    var name = "drop_word"
    var word: String
    func process(_ document: inout Document, _ scratch: inout StepScratch) -> FilterVerdict {
        scratch.statistics.observe("length", Double(document.text.count), range: 0...100, bins: 10)
        return document.text.contains(word) ? .drop(reason: "has_\(word)") : .keep
    }
}

/// Exact duplicates by a 64-bit FNV hash of the text.
struct TextHashDedup: DeduplicationStep {
    var name = "text_dedup"
    var recordSize: Int { 8 }
    func record(_ document: Document, into record: UnsafeMutableRawBufferPointer, _ scratch: inout StepScratch) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in document.text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        record.storeBytes(of: h, as: UInt64.self)
    }
    func resolve(records: [UnsafeRawBufferPointer], statistics: inout StepStatistics) -> DeduplicationDecisions {
        var first = [UInt64: Int64](), ordinal: Int64 = 0
        var rep = [[Int64]](), sizes = [Int64: Int]()
        var raw = [[UInt64]]()
        for r in records {
            raw.append((0..<(r.count / 8)).map { r.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) })
        }
        var count = [UInt64: Int]()
        for t in raw { for h in t { count[h, default: 0] += 1 } }
        for t in raw {
            rep.append(t.map { h in
                defer { ordinal += 1 }
                if first[h] == nil { first[h] = ordinal }
                guard count[h]! > 1 else { return -1 }
                sizes[first[h]!] = count[h]!
                return first[h]!
            })
        }
        statistics.counters["clusters"] = sizes.count
        return DeduplicationDecisions(representative: rep, clusterSizes: sizes)
    }
}

/// In-memory JSONL reading and real-file writing for executor tests.
struct LinesSource: DocumentSource {
    var lines: [Substring]
    var file: String
    var position = 0
    mutating func next() throws(CorpusError) -> SourceItem? {
        guard position < lines.count else { return nil }
        position += 1
        let line = lines[position - 1]
        guard let v = try? JSONValue.parse(Array(line.utf8)), let text = v["text"]?.string else {
            return .bad(.input(file: file, line: position, reason: "not valid JSON"))
        }
        return .document(Document(id: v["id"]?.string ?? "\(file)/\(position)", text: text,
                                  metadata: v["metadata"]?.members ?? [], origin: .init(file: file, line: position)))
    }
}

struct FileSink: DocumentSink {
    var path: String
    var buffer = [UInt8]()
    var any = false
    mutating func write(_ document: Document) throws(CorpusError) { buffer += document.jsonLine(); any = true }
    mutating func finish() throws(CorpusError) { try RunFiles.writeAtomically(buffer, to: path) }
    mutating func discard() {}
}

func testFiles() -> CorpusRun.FileAccess {
    @Sendable func read(_ path: String) throws(CorpusError) -> any DocumentSource {
        guard let d = FileManager.default.contents(atPath: path) else { throw .io(path: path, reason: "missing") }
        return LinesSource(lines: String(decoding: d, as: UTF8.self).split(separator: "\n"), file: path)
    }
    return .init(openInput: { (u) throws(CorpusError) in try read(u.path) },
                 openStageFile: { (p) throws(CorpusError) in try read(p) },
                 makeSink: { (p, _) throws(CorpusError) in FileSink(path: p) })
}

@Suite struct CorpusRunTests {
    func makeCorpus(_ dir: String) throws -> [CorpusRun.InputUnit] {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var units = [CorpusRun.InputUnit]()
        for f in 0..<3 {
            var lines = ""
            for i in 0..<20 {
                let text = i % 7 == 3 ? "a bad apple \(i % 2)" : (i % 5 == 0 ? "shared text" : "doc \(f)-\(i)")
                lines += #"{"id":"f\#(f)-\#(i)","text":"\#(text)","metadata":{"n":\#(i)}}"# + "\n"
            }
            if f == 1 { lines += "{not json\n" }
            let path = dir + "/in\(f).jsonl"
            _ = FileManager.default.createFile(atPath: path, contents: Data(lines.utf8))
            units.append(.init(path: path, input: .init(path: path), bytes: lines.utf8.count))
        }
        return units
    }

    func recipe(_ out: String) throws -> Recipe {
        try Recipe.parse("inputs: [x]\noutput: \(out)\nworkers: 2\nsteps:\n  - drop_word: {}\n  - text_dedup\n  - drop_word: {}\n",
                         file: "r.yaml", baseDirectory: "/")
    }

    func outputs(_ out: String) -> [String: [UInt8]] {
        var files = [String: [UInt8]]()
        for p in (FileManager.default.enumerator(atPath: out)?.compactMap { $0 as? String } ?? []) where !p.hasPrefix(".work") && !p.hasPrefix("report") {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: out + "/" + p, isDirectory: &isDir), !isDir.boolValue {
                files[p] = [UInt8](FileManager.default.contents(atPath: out + "/" + p)!)
            }
        }
        return files
    }

    @Test func runsStagesAndResumesToTheSameBytes() throws {
        let dir = NSTemporaryDirectory() + "corpus-run-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let units = try makeCorpus(dir + "/in")
        let plan = PipelinePlan(steps: [.document(DropWord(word: "bad")), .deduplication(TextHashDedup()),
                                        .document(DropWord(name: "drop_word", word: "doc 2-1"))])
        let report = try CorpusRun(recipe: recipe(dir + "/out"), plan: plan, units: units, files: testFiles()).run()
        #expect(report.read.documentsOut == 60)
        #expect(report.read.reasons["not valid JSON"] == 1)
        // Per file: "bad apple" at i = 3, 10, 17; "shared text" at i = 0, 5, 15 → 9 copies, 8 dropped.
        #expect(report.steps.map(\.label) == ["00_drop_word", "01_text_dedup", "02_drop_word"])
        #expect(report.steps[0].statistics.reasons["has_bad"] == 9)
        #expect(report.steps[1].statistics.reasons["duplicate"] == 8)
        #expect(report.steps[1].statistics.counters["clusters"] == 1)
        #expect(report.steps[2].statistics.reasons["has_doc 2-1"] == 8)  // 2-1, 2-11…2-19 but 2-15 (shared), 2-10/2-17 (bad)
        let data0 = String(decoding: FileManager.default.contents(atPath: dir + "/out/data/00000.jsonl")!, as: UTF8.self)
        #expect(data0.contains(#""text_dedup_cluster_id":0"#))  // the first "shared text" represents its cluster
        let first = outputs(dir + "/out")
        #expect(first.keys.contains("removed/01_text_dedup/00001.jsonl"))
        // Forget task 1 of stage 1 and the barrier: the rerun redoes them to the same bytes.
        try FileManager.default.removeItem(atPath: dir + "/out/.work/s1/00001.done")
        try FileManager.default.removeItem(atPath: dir + "/out/data/00001.jsonl")
        let again = try CorpusRun(recipe: recipe(dir + "/out"), plan: plan, units: units, files: testFiles()).run()
        #expect(outputs(dir + "/out") == first)
        #expect(again.output.documentsOut == report.output.documentsOut)
        #expect(FileManager.default.fileExists(atPath: dir + "/out/report.html"))
    }

    @Test func refusesAnOutputFolderOfAnotherRecipe() throws {
        let dir = NSTemporaryDirectory() + "corpus-run-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let units = try makeCorpus(dir + "/in")
        let plan = PipelinePlan(steps: [.document(DropWord(word: "bad"))])
        try CorpusRun(recipe: recipe(dir + "/out"), plan: plan, units: units, files: testFiles()).run()
        var other = try recipe(dir + "/out")
        other.fingerprint = "different"
        #expect(throws: CorpusError.self) { try CorpusRun(recipe: other, plan: plan, units: units, files: testFiles()).run() }
    }
}
