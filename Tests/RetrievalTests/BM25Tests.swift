import Foundation
import ModelFiles
import Testing
import TestSupport
@testable import Retrieval

/// BM25 against bm25s 0.3.16 (Tests/Fixtures/retrieval/bm25s, made by scripts/fixtures/bm25s_parity.py):
/// same terms for every query, same top-10 documents and scores; without stemming (bm25s.json)
/// and with PyStemmer's English stemmer (bm25s_stem.json).
@Suite struct BM25ParityTests {
    struct Fixture {
        var docs: [String]
        var queries: [(query: String, tokens: [String], ids: [Int], scores: [Double])]
    }

    static func fixture(_ name: String) throws -> Fixture {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: TestEnvironment.fixturePath("retrieval/bm25s/\(name)"))))
        let root = try JSONValue.parse(bytes)
        let docs = (root["docs"]?.array ?? []).compactMap(\.string)
        let queries = (root["queries"]?.array ?? []).map { q in
            (q["query"]?.string ?? "", (q["tokens"]?.array ?? []).compactMap(\.string),
             (q["ids"]?.array ?? []).compactMap(\.int),
             (q["scores"]?.array ?? []).map { v -> Double in if case .number(let d, _) = v { return d } else { return .nan } })
        }
        return Fixture(docs: docs, queries: queries)
    }

    @Test(arguments: [("bm25s.json", BM25Analyzer.Stemmer.none), ("bm25s_stem.json", .english)])
    func termsScoresAndRankingEqualBM25s(file: String, stemmer: BM25Analyzer.Stemmer) throws {
        let f = try Self.fixture(file)
        #expect(f.docs.count > 300 && f.queries.count > 60)
        var analyzer = BM25Analyzer()
        analyzer.stemmer = stemmer
        var index = BM25Index(analyzer: analyzer)
        for d in f.docs { index.add(d) }
        var termMismatches = 0, rankMismatches = 0, worst = 0.0
        for q in f.queries {
            if analyzer.terms(q.query) != q.tokens { termMismatches += 1; print("terms differ: \(q.query)") }
            let scores = index.scores(for: q.query)
            for (id, expected) in zip(q.ids, q.scores) where expected > 0 {
                worst = max(worst, abs(scores[id] - expected) / expected)
            }
            let ours = index.search(q.query, k: 10)
            let positive = q.scores.filter { $0 > 0 }.count
            // Same documents in the same order, except where bm25s's float32 scores tie within 1e-5.
            for (rank, (id, score)) in ours.prefix(positive).enumerated() where id != q.ids[rank] {
                if abs(score - q.scores[rank]) > 1e-5 * max(1, score) { rankMismatches += 1; print("rank differs: \(q.query) #\(rank)") }
            }
            #expect(ours.count == positive, "\(q.query): \(ours.count) vs \(positive) matching documents")
        }
        print("[bm25s \(file)] \(f.queries.count) queries over \(f.docs.count) documents: term mismatches \(termMismatches), rank mismatches \(rankMismatches), max relative score difference \(worst)")
        #expect(termMismatches == 0)
        #expect(rankMismatches == 0)
        #expect(worst < 1e-5)
    }
}

@Suite struct BM25AnalyzerTests {
    @Test func splitsAsScikitLearnsPattern() {
        let a = BM25Analyzer()
        #expect(a.terms("The Quick-brown fox's 2 x1 snake_case, CAFÉ naïve; a is") == ["quick", "brown", "fox", "x1", "snake_case", "café", "naïve"])
        #expect(a.terms("") == [] && a.terms("... !!") == [])
        #expect(a.terms("北京大学的学生") == ["北京大学的学生"])  // one run of word characters, as bm25s keeps it
        var cjk = BM25Analyzer()
        cjk.cjkBigrams = true
        #expect(cjk.terms("北京大学的学生 and GPU显卡") == ["北京", "京大", "大学", "学的", "的学", "学生", "gpu", "显卡"])
        #expect(cjk.terms("中 文") == ["中", "文"])
    }

    /// The byte-level path for ASCII text against the scalar-by-scalar one, on random ASCII.
    @Test func asciiPathEqualsUnicodePath() {
        var rng = SplitMix64(seed: 3)
        let alphabet = Array("abcXYZ_09 .,;'-\t\nThe the AND And is IS a")
        var variants = [BM25Analyzer()]
        variants.append({ var a = BM25Analyzer(); a.lowercase = false; a.minimumLength = 1; a.stopwords = ["the", "X"]; return a }())
        var mismatches = 0
        for _ in 0..<2000 {
            let text = String((0..<rng.int(80)).map { _ in alphabet[rng.int(alphabet.count)] })
            for a in variants {
                let fast = text.utf8.withContiguousStorageIfAvailable { a.asciiWords($0) }
                if fast != a.unicodeWords(text) { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
        #expect(BM25Analyzer().words("The Quick_Brown fox, 42 x") == ["quick_brown", "fox", "42"])
    }

    @Test func addingDocumentsUpdatesStatisticsWithoutRebuilding() {
        var index = BM25Index()
        index.add("swift on linux")
        let before = index.search("linux", k: 5)
        index.add("linux kernel linux drivers")
        index.add("cooking pasta")
        let after = index.search("linux", k: 5)
        #expect(before.map(\.document) == [0])
        #expect(after.map(\.document) == [1, 0])  // tf 2 beats tf 1
        var fresh = BM25Index()
        for t in ["swift on linux", "linux kernel linux drivers", "cooking pasta"] { fresh.add(t) }
        #expect(fresh.search("linux", k: 5).map(\.score) == after.map(\.score))  // incremental = rebuilt
        #expect(after[1].score != before[0].score)  // N, df and avgdl moved
        #expect(index.search("absent", k: 5).isEmpty && index.search("linux", k: 0).isEmpty)
    }
}
