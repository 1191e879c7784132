import Foundation
import Testing
import TestSupport

/// Retrieval quality on a real labelled set, as the issue asks it: hybrid search with the default
/// fusion is at least as good as the better of vector and BM25 search, on hit@5 and on MRR. The
/// set is the Debian FAQ's questions among the Debian Reference's sections
/// (scripts/rag/make_debian_qa_set.py, from the Debian packages debian-faq and
/// debian-reference-en, which scripts/test installs), indexed with the real all-MiniLM-L6-v2.
/// The larger Python-FAQ and PostgreSQL sets take minutes to embed; their figures are in
/// BENCHMARKS.md.
@Suite struct RagQualityTests {
    static var debianDocsInstalled: Bool {
        FileManager.default.fileExists(atPath: "/usr/share/doc/debian/FAQ/index.en.html")
            && FileManager.default.fileExists(atPath: "/usr/share/debian-reference/index.en.html")
    }
    static var enabled: Bool {
        RagCommandTests.embeddingModelInstalled
            && (debianDocsInstalled || TestEnvironment.modelsRequired) && ReferencePython.hasModule("lxml")
    }

    @Test(.enabled(if: enabled, "needs all-MiniLM-L6-v2, lxml and the Debian packages debian-faq and debian-reference-en"),
          .timeLimit(.minutes(20)))
    func hybridIsAtLeastAsGoodAsTheBetterRetriever() throws {
        let root = temporaryPath("rag-quality")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let made = try ReferencePython.run(script: "scripts/rag/make_debian_qa_set.py", [root], timeout: 300)
        try #require(made.status == 0, "make_debian_qa_set.py: \(made.stderr)")
        let questions = try String(contentsOfFile: root + "/qa.jsonl", encoding: .utf8).split(separator: "\n").count
        #expect(questions >= 100, "\(made.stdout)")

        let db = root + "/debian.sqlite"
        let index = try TernBinary.run(["rag", "index", root + "/docs", "--db", db, "--no-progress"])
        try #require(index.status == 0, "\(index.stderr)")
        let eval = try TernBinary.run(["rag", "eval", "--db", db, "--questions", root + "/qa.jsonl", "--json"])
        try #require(eval.status == 0, "\(eval.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [[String: Any]])
        var figures = [String: (hit: Double, mrr: Double, ranks: [Int?])]()
        for row in rows {
            let mode = try #require(row["mode"] as? String)
            figures[mode] = (try #require(row["hitAtK"] as? Double), try #require(row["mrr"] as? Double),
                             (row["ranks"] as? [Any] ?? []).map { $0 as? Int })
        }
        let vector = try #require(figures["vector"]), bm25 = try #require(figures["bm25"]), hybrid = try #require(figures["hybrid"])
        // Both retrievers work on this set (BENCHMARKS.md: vector 0.819 / 0.617, BM25 0.552 / 0.367).
        #expect(vector.hit > 0.75 && vector.mrr > 0.55, "vector \(vector.hit) / \(vector.mrr)")
        #expect(bm25.hit > 0.45 && bm25.mrr > 0.3, "BM25 \(bm25.hit) / \(bm25.mrr)")
        // The default fusion: at least as good as the better retriever on both metrics.
        let changed = zip(vector.ranks, hybrid.ranks).enumerated().filter { $0.element.0 != $0.element.1 }
            .map { "q\($0.offset + 1): vector \($0.element.0.map(String.init) ?? "-") hybrid \($0.element.1.map(String.init) ?? "-")" }
        #expect(hybrid.hit >= max(vector.hit, bm25.hit),
                "hybrid hit@5 \(hybrid.hit) vs vector \(vector.hit), BM25 \(bm25.hit); \(changed.joined(separator: ", "))")
        #expect(hybrid.mrr >= max(vector.mrr, bm25.mrr), "hybrid MRR \(hybrid.mrr) vs vector \(vector.mrr), BM25 \(bm25.mrr)")
        #expect(rows.first { $0["mode"] as? String == "hybrid" }?["fusion"] as? String == "rrf k 20, vector weight 0.8")
    }
}
