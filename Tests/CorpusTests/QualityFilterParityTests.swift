import Foundation
import Testing
import ModelFiles
import TestSupport
@testable import Corpus

/// The four quality filters against datatrove 0.10.1 run on the same texts (fixture from
/// scripts/fixtures/datatrove_filters.py: real documentation text and edge cases).
@Suite struct QualityFilterParityTests {
    struct Record { var id: String; var text: String; var expected: [String: String]; var c4Hash: String? }

    static func records() throws -> [Record] {
        let path = TestEnvironment.fixturePath("corpus/datatrove_filters/filters.jsonl")
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try data.split(separator: UInt8(ascii: "\n")).map { line in
            let v = try JSONValue.parse(Array(line))
            var expected: [String: String] = [:]
            for k in ["gopher_quality", "gopher_repetition", "c4", "fineweb"] { expected[k] = v[k]?.string ?? "?" }
            return Record(id: v["id"]?.string ?? "", text: v["text"]?.string ?? "", expected: expected,
                          c4Hash: v["c4_text_fnv1a64"]?.string)
        }
    }

    static func name(_ v: FilterVerdict) -> String {
        switch v { case .keep: return "keep"; case .drop(let r): return r }
    }

    static func fnv1a64(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Our verdict per filter name, and C4's rewritten-text hash.
    static func decide(_ text: String) -> (verdicts: [String: String], c4Hash: String?) {
        let words = TextWords(text)
        let c4 = C4QualityFilter().evaluate(words)
        return (["gopher_quality": name(GopherQualityFilter().evaluate(words)),
                 "gopher_repetition": name(GopherRepetitionFilter().evaluate(words)),
                 "c4": name(c4.verdict),
                 "fineweb": name(FineWebQualityFilter().evaluate(words))], c4.text.map(fnv1a64))
    }

    @Test func agreesWithDatatrove() throws {
        let recs = try Self.records()
        #expect(recs.count > 200)
        var disagree: [String: Int] = [:]
        var c4TextDiffers = 0
        for r in recs {
            let (got, hash) = Self.decide(r.text)
            for (k, want) in r.expected where got[k] != want {
                disagree[k, default: 0] += 1
                print("DISAGREE \(k) \(r.id): datatrove \(want), ours \(got[k] ?? "-")")
            }
            if r.expected["c4"] == "keep" && got["c4"] == "keep" && hash != r.c4Hash {
                c4TextDiffers += 1
                print("C4 TEXT differs for \(r.id): \(hash ?? "nil") vs \(r.c4Hash ?? "nil")")
            }
        }
        for k in ["gopher_quality", "gopher_repetition", "c4", "fineweb"] {
            let agree = 1 - Double(disagree[k] ?? 0) / Double(recs.count)
            print("\(k): agreement \(agree) over \(recs.count) documents")
            #expect(agree >= 0.99, "\(k)")
        }
        print("c4 rewritten text differs on \(c4TextDiffers) kept documents")
        #expect(c4TextDiffers == 0)
    }

    @Test func handMadeVerdicts() {
        #expect(GopherQualityFilter().evaluate("Too short.") == .drop(reason: "gopher_short_doc"))
        #expect(GopherRepetitionFilter().evaluate("") == .drop(reason: "empty"))
        #expect(FineWebQualityFilter().evaluate(" \n\n ") == .drop(reason: "empty"))
        let lorem = String(repeating: "This is a sentence that ends well.\n", count: 3) + "Lorem Ipsum dolor sit amet."
        #expect(C4QualityFilter().evaluate(lorem).verdict == .drop(reason: "lorem_ipsum"))
        let wiki = "One two three.[1]\nFour five six [edit].\nSeven eight nine.\nA b c. D e f.\nG h i!"
        let c4 = C4QualityFilter().evaluate(wiki)
        #expect(c4.verdict == .keep)
        #expect(c4.text == "One two three.\nFour five six .\nSeven eight nine.\nA b c. D e f.\nG h i!")
        let semicolons = (0..<10).map { "This is line number \($0) of the text written here;" }.joined(separator: "\n")
        #expect(FineWebQualityFilter().evaluate(semicolons) == .drop(reason: "line_punct_ratio"))
        var stops = FineWebQualityFilter.Configuration()
        stops.stopChars = [";"]
        #expect(FineWebQualityFilter(stops).evaluate(semicolons) == .keep)
        var loose = C4QualityFilter.Configuration()
        loose.minNumSentences = 100
        #expect(C4QualityFilter(loose).evaluate(wiki).verdict == .drop(reason: "too_few_sentences"))
    }

    @Test func configurationRoundTripsAsJSON() throws {
        var c = GopherRepetitionFilter.Configuration()
        c.dupNGrams = [.init(5, 0.2)]
        let back = try JSONDecoder().decode(GopherRepetitionFilter.Configuration.self, from: JSONEncoder().encode(c))
        #expect(back == c)
        #expect(GopherQualityFilter.Configuration().minDocWords == 50)
        let partial = try JSONDecoder().decode(GopherQualityFilter.Configuration.self,
                                               from: Data(#"{"maxDocWords": null, "minStopWords": 3}"#.utf8))
        #expect(partial.minDocWords == 50 && partial.maxDocWords == nil && partial.minStopWords == 3)
        let c4 = try JSONDecoder().decode(C4QualityFilter.Configuration.self, from: Data(#"{"filterNoTerminalPunct": false}"#.utf8))
        #expect(!c4.filterNoTerminalPunct && c4.minNumSentences == 5)
        // datatrove's parameter names through snake_case, n-gram limits as [n, fraction] pairs,
        // and a disabled (nil) threshold written back as null
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        var rep = GopherRepetitionFilter.Configuration()
        rep.dupLineFrac = nil
        let json = String(decoding: try encoder.encode(rep), as: UTF8.self)
        #expect(json.contains(#""top_n_grams":[[2,0.2],[3,0.18],[4,0.16]]"#) && json.contains(#""dup_line_frac":null"#))
        #expect(try decoder.decode(GopherRepetitionFilter.Configuration.self, from: Data(json.utf8)) == rep)
        let fw = try decoder.decode(FineWebQualityFilter.Configuration.self, from: Data(#"{"line_punct_thr": 0.2, "stop_chars": ["."]}"#.utf8))
        #expect(fw.linePunctThr == 0.2 && fw.stopChars == ["."] && fw.shortLineThr == 0.67)
        #expect(C4QualityFilter.Configuration().filterNoTerminalPunct)
    }
}
