import Foundation
import GRDB

/// Which retriever answers a search.
public enum SearchMode: String, Codable, Sendable, CaseIterable {
    case vector, bm25, hybrid
}

/// How a search runs.
public struct SearchOptions: Sendable, Equatable {
    /// Hits to return (default 10).
    public var k = 10
    public var mode = SearchMode.hybrid
    /// Hybrid: reciprocal-rank fusion (k 60; the vector list weighted `vectorWeight`, BM25's
    /// `1 − vectorWeight`) or min-max-normalised scores weighted the same way. The default,
    /// weighted scores with vector weight 0.7, did best on the labelled Python-FAQ set
    /// (scripts/rag/make_qa_set.py; BENCHMARKS.md has every setting tried): question-style
    /// queries share few words with their answers, so BM25 must count for less there.
    public enum Fusion: Sendable, Equatable { case reciprocalRank(k: Double, vectorWeight: Double), weighted(vectorWeight: Double) }
    public var fusion = Fusion.weighted(vectorWeight: 0.7)
    /// Hybrid: how many hits each retriever contributes before fusion (default max(k, 50)).
    public var candidates: Int?
    /// HNSW efSearch (default the store's).
    public var ef: Int?
    /// Only chunks of documents whose source starts with this.
    public var sourcePrefix: String?
    /// Only chunks of documents whose metadata has each of these values (a JSONL record's fields).
    public var metadata: [String: String] = [:]
    public init(k: Int = 10, mode: SearchMode = .hybrid) { self.k = k; self.mode = mode }
}

/// One retrieved chunk.
public struct SearchHit: Sendable, Codable, Equatable {
    public var rank: Int
    public var chunkID: Int
    public var source: String
    public var title: String?
    public var headings: [String]
    public var ordinal: Int
    public var text: String
    /// The ranking score of the mode (cosine for vector, BM25 for bm25, the fusion score for hybrid).
    public var score: Double
    /// Cosine (or the store's metric) between query and chunk, when the query was embedded.
    public var similarity: Double?
    public var bm25: Double?
    public var vectorRank: Int?
    public var bm25Rank: Int?
}

/// Searches a store: vectors through the stored HNSW graph (read once, when the searcher is
/// made), BM25 straight from the stored postings, hybrid by fusing both. Many searchers may read
/// one store while an indexer writes it; each sees the store as of the moment it read it.
public final class KnowledgeSearcher {
    public let store: KnowledgeStore
    private let embed: (([String]) -> [[Float]])?
    private var vectors: HNSWIndex?

    /// `embed` is needed for vector and hybrid searches (texts → unit vectors).
    public init(store: KnowledgeStore, embed: (([String]) -> [[Float]])?) {
        self.store = store
        self.embed = embed
    }

    /// The `options.k` best chunks for `query`.
    public func search(_ query: String, options: SearchOptions = SearchOptions()) throws(KnowledgeStoreError) -> [SearchHit] {
        guard options.k > 0, query.contains(where: { !$0.isWhitespace }) else { return [] }
        let pool = options.mode == .hybrid ? max(options.candidates ?? 50, options.k) : options.k
        let allowed = options.sourcePrefix == nil && options.metadata.isEmpty
            ? nil : try chunks(withSourcePrefix: options.sourcePrefix ?? "", metadata: options.metadata)
        var vectorHits = [(id: Int, score: Double)](), bm25Hits = [(id: Int, score: Double)]()
        var queryVector: [Float]?
        if options.mode != .bm25 {
            guard let embed else { throw KnowledgeStoreError(path: store.path, problem: "\(options.mode) search needs the embedding model") }
            let q = embed([query]).first ?? []
            try store.checkDimension(of: q)
            queryVector = q
            let index = try vectorIndex()
            if let allowed, allowed.count * 8 <= index.count {
                // A filter this selective makes the graph walk visit more nodes than it lets
                // through: compare the allowed chunks directly (exact, and cheaper).
                vectorHits = index.exactSearch(q, k: pool, ids: allowed).map { ($0.id, Double($0.score)) }
            } else {
                vectorHits = index.search(q, k: pool, ef: options.ef, filter: allowed.map { set in { set.contains($0) } })
                    .map { ($0.id, Double($0.score)) }
            }
        }
        if options.mode != .vector { bm25Hits = try bm25(query, k: pool, allowed: allowed) }
        let ranked: [(id: Int, score: Double)]
        switch options.mode {
        case .vector: ranked = vectorHits
        case .bm25: ranked = bm25Hits
        case .hybrid:
            switch options.fusion {
            case .reciprocalRank(let k, let w):
                ranked = HybridFusion.reciprocalRank([vectorHits.map(\.id), bm25Hits.map(\.id)], k: k, weights: [2 * w, 2 * (1 - w)])
                    .map { ($0.document, $0.score) }
            case .weighted(let w):
                ranked = HybridFusion.weightedScores([vectorHits.map { ($0.id, $0.score) }, bm25Hits.map { ($0.id, $0.score) }],
                                                     weights: [w, 1 - w]).map { ($0.document, $0.score) }
            }
        }
        let top = Array(ranked.prefix(options.k))
        let vectorRank = Dictionary(vectorHits.enumerated().map { ($1.id, $0 + 1) }, uniquingKeysWith: min)
        let bm25Rank = Dictionary(bm25Hits.enumerated().map { ($1.id, $0 + 1) }, uniquingKeysWith: min)
        let bm25Score = Dictionary(bm25Hits.map { ($0.id, $0.score) }, uniquingKeysWith: max)
        let rows = try chunkRows(top.map(\.id))
        var hits = [SearchHit]()
        for (id, score) in top {
            guard let row = rows[id] else { continue }  // deleted by a writer since the graph was read
            var hit = row
            hit.rank = hits.count + 1
            hit.score = score
            hit.vectorRank = vectorRank[id]
            hit.bm25Rank = bm25Rank[id]
            hit.bm25 = bm25Score[id]
            if let q = queryVector, let v = try storedVector(id) { hit.similarity = Double(similarity(q, v)) }
            hits.append(hit)
        }
        return hits
    }

    /// The stored graph, read on first use.
    func vectorIndex() throws(KnowledgeStoreError) -> HNSWIndex {
        if let vectors { return vectors }
        let index = try store.read { db in try store.loadVectorIndex(db) }
        vectors = index
        return index
    }

    private func storedVector(_ chunkID: Int) throws(KnowledgeStoreError) -> [Float]? {
        let index = try vectorIndex()
        return index.slot(of: chunkID).map { index.vector(at: $0) }
    }

    /// The store's metric between the query and a stored vector (stored vectors are unit length for cosine).
    private func similarity(_ q: [Float], _ v: [Float]) -> Float {
        q.withUnsafeBufferPointer { qp in
            v.withUnsafeBufferPointer { vp in
                let (a, b, n) = (qp.baseAddress!, vp.baseAddress!, min(qp.count, vp.count))
                switch store.settings.metric {
                case .cosine: return VectorDistance.dot(a, b, count: n) / max(VectorDistance.dot(a, a, count: n).squareRoot(), 1e-12)
                case .innerProduct: return VectorDistance.dot(a, b, count: n)
                case .l2: return -VectorDistance.squaredDistance(a, b, count: n)
                }
            }
        }
    }

    /// Okapi BM25 (the Lucene variant, as `BM25Index`) over the stored postings.
    func bm25(_ query: String, k: Int, allowed: Set<Int>?) throws(KnowledgeStoreError) -> [(id: Int, score: Double)] {
        var multiplicity = [String: Int]()
        for term in store.settings.analyzer.terms(query) { multiplicity[term, default: 0] += 1 }
        guard !multiplicity.isEmpty else { return [] }
        let scores = try store.read { db -> [Int: Double] in
            let n = Double(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'live_chunks'").flatMap { Int($0) } ?? 0)
            let total = Double(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'total_terms'").flatMap { Int($0) } ?? 0)
            guard n > 0 else { return [:] }
            let (c0, c1) = store.settings.bm25.lengthNormalisation(averageLength: total / n)
            let lookup = try db.cachedStatement(sql: "SELECT id, df FROM terms WHERE term = ?")
            let postings = try db.cachedStatement(sql: """
                SELECT p.chunk_id, p.tf, c.term_count FROM postings p JOIN chunks c ON c.id = p.chunk_id WHERE p.term_id = ?
                """)
            var scores = [Int: Double]()
            for (term, times) in multiplicity.sorted(by: { $0.key < $1.key }) {
                guard let row = try Row.fetchOne(lookup, arguments: [term]) else { continue }
                let df = Double(row[1] as Int)
                guard df > 0 else { continue }
                let idf = BM25Index.idf(documents: n, containing: df) * Double(times)
                let cursor = try Row.fetchCursor(postings, arguments: [row[0] as Int])
                while let p = try cursor.next() {
                    let id: Int = p[0]
                    if let allowed, !allowed.contains(id) { continue }
                    let tf = Double(p[1] as Int), length = Double(p[2] as Int)
                    scores[id, default: 0] += idf * tf / (tf + c0 + c1 * length)
                }
            }
            return scores
        }
        return scores.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(k).map { ($0.key, $0.value) }
    }

    /// Chunks of the documents a filter accepts.
    private func chunks(withSourcePrefix prefix: String, metadata: [String: String]) throws(KnowledgeStoreError) -> Set<Int> {
        var sql = "SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id WHERE substr(d.source, 1, ?) = ?"
        var arguments: [any DatabaseValueConvertible] = [prefix.unicodeScalars.count, prefix]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            sql += " AND CAST(json_extract(d.metadata, ?) AS TEXT) = ?"
            arguments += ["$.\"" + key.replacingOccurrences(of: "\"", with: "\\\"") + "\"", value]
        }
        return try store.read { db in Set(try Int.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))) }
    }

    private func chunkRows(_ ids: [Int]) throws(KnowledgeStoreError) -> [Int: SearchHit] {
        guard !ids.isEmpty else { return [:] }
        return try store.read { db in
            var out = [Int: SearchHit]()
            var rows = [Row]()
            for start in stride(from: 0, to: ids.count, by: 500) {
                let group = Array(ids[start..<min(start + 500, ids.count)])
                let marks = Array(repeating: "?", count: group.count).joined(separator: ",")
                rows += try Row.fetchAll(db, sql: """
                    SELECT c.id, d.source, d.title, c.headings, c.ordinal, c.text FROM chunks c JOIN documents d ON d.id = c.document_id
                    WHERE c.id IN (\(marks))
                    """, arguments: StatementArguments(group))
            }
            for row in rows {
                let headingsJSON: String = row[3]
                let headings = (try? JSONDecoder().decode([String].self, from: Data(headingsJSON.utf8))) ?? []
                out[row[0]] = SearchHit(rank: 0, chunkID: row[0], source: row[1], title: row[2], headings: headings, ordinal: row[4],
                                        text: row[5], score: 0, similarity: nil, bm25: nil, vectorRank: nil, bm25Rank: nil)
            }
            return out
        }
    }
}
