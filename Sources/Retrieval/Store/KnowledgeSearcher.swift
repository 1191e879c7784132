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
    /// Hybrid: how the vector and BM25 lists are fused (`Fusion.standard` unless set).
    public var fusion = Fusion.standard
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

extension SearchOptions {
    /// How hybrid search fuses the vector list with the BM25 list.
    public enum Fusion: Sendable, Equatable {
        /// Reciprocal-rank fusion: a chunk gets `2 · vectorWeight / (k + rank)` from the vector list
        /// and `2 · (1 − vectorWeight) / (k + rank)` from BM25's, so that k 60 and weight 0.5 are
        /// Cormack et al.'s RRF, scores included.
        case reciprocalRank(k: Double, vectorWeight: Double)
        /// Min-max-normalised scores, weighted `vectorWeight` and `1 − vectorWeight`.
        case weighted(vectorWeight: Double)

        /// The default: RRF with k 20, the vector list weighted 0.8. scripts/rag/select_fusion.py
        /// chose it over three labelled sets (Python and Debian FAQ questions, which share few
        /// words with their answers, and PostgreSQL known-item queries, where BM25 is strong): of
        /// the settings at least as good as the better retriever on hit@5 and MRR on both halves of
        /// every set, the best MRR (BENCHMARKS.md). BM25 reorders what the vectors already rank
        /// well, and lifts what they miss, without pushing their top hits out.
        public static let standard = Fusion.reciprocalRank(k: 20, vectorWeight: 0.8)
        /// The vector weight `weighted` fusion takes unless told (best on the FAQ's odd questions).
        public static let standardWeightedVectorWeight = 0.7

        public var vectorWeight: Double {
            switch self { case .reciprocalRank(_, let w), .weighted(let w): w }
        }
        /// RRF's rank constant; nil for weighted fusion.
        public var rrfK: Double? {
            if case .reciprocalRank(let k, _) = self { k } else { nil }
        }
    }
}

extension SearchOptions.Fusion: CustomStringConvertible {
    /// "rrf k 20, vector weight 0.8" or "weighted, vector weight 0.7".
    public var description: String {
        let w = "vector weight \(Self.number(vectorWeight))"
        return rrfK.map { "rrf k \(Self.number($0)), \(w)" } ?? "weighted, \(w)"
    }

    private static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
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
    private var lexicon: StoreLexicon?

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

    /// Okapi BM25 (the Lucene variant, as `BM25Index`) over the stored postings: the `k` best
    /// chunks, best first (equal scores: lower id first). Chunk lengths and the corpus totals are
    /// read on the first BM25 query (the searcher's snapshot, as the graph is for vectors); each
    /// term's postings are read the first time a query has it and kept, so a searcher that answers
    /// many queries (a server, `rag eval`) soon runs from memory.
    func bm25(_ query: String, k: Int, allowed: Set<Int>?) throws(KnowledgeStoreError) -> [(id: Int, score: Double)] {
        var multiplicity = [String: Int]()
        for term in store.settings.analyzer.terms(query) { multiplicity[term, default: 0] += 1 }
        guard !multiplicity.isEmpty else { return [] }
        let lexicon: StoreLexicon
        if let existing = self.lexicon { lexicon = existing } else { lexicon = try readLexicon(); self.lexicon = lexicon }
        guard lexicon.chunkCount > 0 else { return [] }
        let (c0, c1) = store.settings.bm25.lengthNormalisation(averageLength: lexicon.averageLength)
        let n = Double(lexicon.chunkCount)
        let scratch = lexicon.scratch
        scratch.reserve(documents: lexicon.lengths.count)
        for (term, times) in multiplicity.sorted(by: { $0.key < $1.key }) {
            let list = try lexicon.postings(term, store: store)
            guard !list.isEmpty else { continue }
            let idf = BM25Index.idf(documents: n, containing: Double(list.count)) * Double(times)
            let kept = allowed.map { set in list.filter { set.contains(Int($0.document)) } } ?? list
            kept.withUnsafeBufferPointer { postings in
                lexicon.lengths.withUnsafeBufferPointer { lengths in
                    scratch.accumulate(postings, idf: idf, c0: c0, c1: c1, lengths: lengths)
                }
            }
        }
        return scratch.best(k).map { (Int($0.document), $0.score) }
    }

    /// The BM25 snapshot: every live chunk's term count (by chunk id).
    private func readLexicon() throws(KnowledgeStoreError) -> StoreLexicon {
        try store.read { db in
            var lengths = [Int32]()
            let rows = try Row.fetchCursor(db, sql: "SELECT id, term_count FROM chunks ORDER BY id")
            while let row = try rows.next() {
                let id: Int = row[0]
                if id >= lengths.count { lengths.append(contentsOf: repeatElement(-1, count: id + 1 - lengths.count)) }
                lengths[id] = Int32(row[1] as Int)
            }
            return StoreLexicon(lengths: lengths)
        }
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

/// What a searcher's BM25 reads once: chunk term counts by id (-1: no such chunk in the snapshot),
/// their number and mean, and each queried term's postings restricted to those chunks (read on
/// first use and kept). Used by one searcher, which is used by one thread at a time.
final class StoreLexicon {
    let lengths: [Int32]
    let chunkCount: Int
    let averageLength: Double
    let scratch = BM25Scratch()
    private var cache: [String: [BM25Index.Posting]] = [:]

    init(lengths: [Int32]) {
        self.lengths = lengths
        var count = 0, total = 0
        for l in lengths where l >= 0 { count += 1; total += Int(l) }
        chunkCount = count
        averageLength = count > 0 ? Double(total) / Double(count) : 0
    }

    /// `term`'s postings among the snapshot's chunks (empty when the store has no such term).
    func postings(_ term: String, store: KnowledgeStore) throws(KnowledgeStoreError) -> [BM25Index.Posting] {
        if let cached = cache[term] { return cached }
        let lengths = self.lengths
        let list = try store.read { db -> [BM25Index.Posting] in
            guard let id = try Int.fetchOne(db, sql: "SELECT id FROM terms WHERE term = ?", arguments: [term]) else { return [] }
            var out = [BM25Index.Posting]()
            let rows = try Row.fetchCursor(db, sql: "SELECT chunk_id, tf FROM postings WHERE term_id = ?", arguments: [id])
            while let row = try rows.next() {
                let chunk: Int = row[0]
                guard chunk < lengths.count, lengths[chunk] >= 0 else { continue }  // written after the snapshot
                out.append(BM25Index.Posting(document: Int32(chunk), frequency: Int32(row[1] as Int)))
            }
            return out
        }
        cache[term] = list
        return list
    }
}
