import Corpus
import Foundation

/// A labelled question: the document that answers it.
public struct LabelledQuestion: Sendable, Equatable {
    public var question: String
    /// The answering document's source, or the end of it (a file name matches any path ending in `/name`).
    public var answerDocument: String
    public init(question: String, answerDocument: String) { self.question = question; self.answerDocument = answerDocument }

    /// JSONL lines `{"question": …, "answer_document": …}` (plain, .gz or .zst); an error names
    /// the file and line.
    public static func load(path: String) throws -> [LabelledQuestion] {
        try JSONLReader.records(path: path, textKey: "question").map { record in
            guard case .string(let answer)? = record[metadata: "answer_document"] else {
                throw KnowledgeStoreError(path: path, problem: "line \(record.origin.line): needs a string field answer_document")
            }
            return LabelledQuestion(question: record.text, answerDocument: answer)
        }
    }

    func matches(_ source: String) -> Bool {
        let file = source.firstIndex(of: "#").map { String(source[..<$0]) } ?? source
        return source == answerDocument || file == answerDocument || file.hasSuffix("/" + answerDocument)
    }
}

/// Retrieval quality of one search mode over labelled questions, counted per document: the
/// rank of a question's answer is the position of its document among the distinct documents of
/// the retrieved chunks.
public struct RetrievalQuality: Sendable, Codable, Equatable {
    public var mode: String
    public var questions: Int
    /// Share of questions whose answer document is among the first `cutoff` documents.
    public var hitAtK: Double
    public var cutoff: Int
    /// Mean reciprocal rank of the answer document (0 when not in the first `depth` documents).
    public var mrr: Double
    public var depth: Int
    /// Per question, the answer document's rank (1-based) within `depth`, or nil.
    public var ranks: [Int?] = []
    /// Hybrid: how the lists were fused ("rrf k 20, vector weight 0.8"); nil for one retriever.
    public var fusion: String?

    /// Runs every question through `searcher` in `mode`.
    public static func measure(_ questions: [LabelledQuestion], searcher: KnowledgeSearcher, mode: SearchMode,
                               cutoff: Int = 5, depth: Int = 10, chunks: Int = 50,
                               fusion: SearchOptions.Fusion = SearchOptions().fusion) throws(KnowledgeStoreError) -> RetrievalQuality {
        var hits = 0, reciprocal = 0.0
        var ranks = [Int?]()
        for q in questions {
            var options = SearchOptions(k: chunks, mode: mode)
            options.candidates = max(chunks, 50)
            options.fusion = fusion
            var documents = [String]()
            for hit in try searcher.search(q.question, options: options) where !documents.contains(hit.source) {
                documents.append(hit.source)
            }
            let rank = documents.prefix(depth).firstIndex(where: q.matches)
            ranks.append(rank.map { $0 + 1 })
            if let rank {
                reciprocal += 1 / Double(rank + 1)
                if rank < cutoff { hits += 1 }
            }
        }
        let n = max(questions.count, 1)
        return RetrievalQuality(mode: mode.rawValue, questions: questions.count, hitAtK: Double(hits) / Double(n), cutoff: cutoff,
                                mrr: reciprocal / Double(n), depth: depth, ranks: ranks,
                                fusion: mode == .hybrid ? fusion.description : nil)
    }
}
