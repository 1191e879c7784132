import Foundation
import Testing
import ModelFiles
import TestSupport
@testable import Corpus

/// Large-scale parity: our four quality filters on every record of the project's test corpus
/// against datatrove's decisions (scripts/corpus/datatrove_filter_decisions.py). Runs when
/// `TERN_CORPUS` names the corpus folder (docs_*.jsonl) and the decisions file is given by
/// `TERN_CORPUS_DECISIONS` or sits in the folder as datatrove_filter_decisions.jsonl.
@Suite struct CorpusFilterParityTests {
    static var corpus: String? { TestEnvironment.value("TERN_CORPUS") }
    static var decisionsPath: String? {
        if let p = TestEnvironment.value("TERN_CORPUS_DECISIONS") { return p }
        guard let c = corpus else { return nil }
        let p = c + "/datatrove_filter_decisions.jsonl"
        return FileManager.default.fileExists(atPath: p) ? p : nil
    }
    static var configured: Bool { corpus != nil && decisionsPath != nil }
    static let filters = ["gopher_quality", "gopher_repetition", "c4", "fineweb"]

    static func lines(_ path: String) throws -> [ArraySlice<UInt8>] {
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        return data.split(separator: UInt8(ascii: "\n")).filter { !$0.isEmpty }
    }

    @Test(.enabled(if: configured)) func agreesWithDatatroveOnTheCorpus() throws {
        guard let corpus = Self.corpus, let decisions = Self.decisionsPath else { return }
        var expected: [String: JSONValue] = [:]
        for line in try Self.lines(decisions) {
            let v = try JSONValue.parse(Array(line))
            if let id = v["id"]?.string { expected[id] = v }
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: corpus)
            .filter { $0.hasPrefix("docs_") && $0.hasSuffix(".jsonl") }.sorted()
        var compared = 0, missing = 0, textDiffers = 0, c4TextDiffers = 0
        var disagree: [String: Int] = [:]
        var examples: [String: [String]] = [:]
        for file in files {
            for line in try Self.lines(corpus + "/" + file) {
                let record = try JSONValue.parse(Array(line))
                guard let id = record["id"]?.string, let want = expected[id] else { missing += 1; continue }
                let text = record["text"]?.string ?? ""
                if QualityFilterParityTests.fnv1a64(text) != want["fnv1a64"]?.string { textDiffers += 1; continue }
                let (got, c4Hash) = QualityFilterParityTests.decide(text)
                compared += 1
                for k in Self.filters where got[k] != want[k]?.string {
                    disagree[k, default: 0] += 1
                    if examples[k, default: []].count < 8 {
                        examples[k, default: []].append("\(id): datatrove \(want[k]?.string ?? "-"), ours \(got[k] ?? "-")")
                    }
                }
                if got["c4"] == "keep" && want["c4"]?.string == "keep" && c4Hash != want["c4_text_fnv1a64"]?.string {
                    c4TextDiffers += 1
                }
            }
        }
        print("corpus parity: \(compared) records compared, \(missing) without a decision, \(textDiffers) with another text")
        #expect(compared > 0)
        for k in Self.filters {
            let n = disagree[k] ?? 0
            let agreement = 1 - Double(n) / Double(max(compared, 1))
            print("\(k): \(compared - n)/\(compared) agree (\(agreement))")
            for e in examples[k] ?? [] { print("  \(e)") }
            #expect(agreement >= 0.99, "\(k)")
        }
        print("c4 rewritten text differs on \(c4TextDiffers) documents both kept")
    }
}
