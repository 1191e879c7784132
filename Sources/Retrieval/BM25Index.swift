#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An Okapi BM25 index (Lucene's variant, as bm25s's default "lucene" method scores it):
///
///     score(q, d) = Σ_t∈q idf(t) · tf(t,d) / (tf(t,d) + k1 · (1 − b + b · |d| / avgdl))
///     idf(t) = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))
///
/// Documents are added one at a time (ids 0, 1, …); N, df and avgdl are the index's current
/// ones, so adding documents needs no rebuild. Each term has a posting list of (document, tf) in
/// increasing document order. `search` scores into a dense accumulator taken from a small pool
/// (so several threads can search one index at once) and keeps the best k in a bounded heap;
/// `referenceSearch` is the plain version it is tested against.
public struct BM25Index: Sendable {
    /// Okapi's saturation and length-normalisation parameters.
    public struct Parameters: Codable, Sendable, Equatable {
        /// Term-frequency saturation (default 1.5, bm25s's and rank_bm25's).
        public var k1: Double = 1.5
        /// Length normalisation, 0 (none) … 1 (full) (default 0.75).
        public var b: Double = 0.75
        /// Parameters with bm25s's defaults unless given.
        public init(k1: Double = 1.5, b: Double = 0.75) { self.k1 = k1; self.b = b }

        /// k1 · (1 − b + b · |d| / avgdl) as c0 + c1 · |d|: a term's score is idf · tf / (tf + c0 + c1 · |d|).
        /// The index and the SQLite store's postings search both score with it.
        public func lengthNormalisation(averageLength: Double) -> (c0: Double, c1: Double) {
            (k1 * (1 - b), k1 * b / max(averageLength, 1e-12))
        }

        /// k1 in [0, 10⁶] and b in [0, 1]: every posting then adds a positive, finite amount, which
        /// the fast search relies on (0 marks an untouched document); other values are searched
        /// the plain way.
        var keepContributionsPositive: Bool { k1.isFinite && (0...1e6).contains(k1) && (0...1).contains(b) }
    }

    /// One entry of a term's posting list.
    struct Posting: Sendable {
        var document: Int32
        var frequency: Int32
    }

    /// How text becomes terms, for documents and queries alike.
    public let analyzer: BM25Analyzer
    /// k1 and b.
    public let parameters: Parameters
    private(set) var termIDs: [String: Int32] = [:]
    /// Word (before stemming) → term id, so each distinct word is stemmed once; empty without a stemmer.
    private var wordTermIDs: [String: Int32] = [:]
    /// postings[term id], in increasing document order.
    private(set) var postings: [[Posting]] = []
    /// Terms per document, after analysis.
    private(set) var lengths: [Int32] = []
    private var totalLength = 0
    /// Score accumulators for `search`, shared by copies of the index (they only borrow them).
    private let scratch = BM25ScratchPool()

    /// An empty index.
    public init(analyzer: BM25Analyzer = BM25Analyzer(), parameters: Parameters = Parameters()) {
        self.analyzer = analyzer
        self.parameters = parameters
    }

    /// Documents indexed.
    public var count: Int { lengths.count }
    /// Distinct terms.
    public var vocabularySize: Int { postings.count }
    /// Postings (distinct (term, document) pairs) over all terms.
    public var postingCount: Int { postings.reduce(0) { $0 + $1.count } }

    /// Indexes `text` as the next document and returns its id.
    @discardableResult
    public mutating func add(_ text: String) -> Int {
        let id = Int32(lengths.count)
        var terms = analyzer.words(text).map { termID(forWord: $0) }
        terms.sort()
        var i = 0
        while i < terms.count {  // runs of one term id → (document, tf)
            var j = i + 1
            while j < terms.count, terms[j] == terms[i] { j += 1 }
            postings[Int(terms[i])].append(Posting(document: id, frequency: Int32(j - i)))
            i = j
        }
        lengths.append(Int32(terms.count))
        totalLength += terms.count
        return Int(id)
    }

    private mutating func termID(forWord word: String) -> Int32 {
        let stemming = analyzer.stemmer != .none
        if stemming, let known = wordTermIDs[word] { return known }
        let term = analyzer.stem(word)
        let t: Int32
        if let known = termIDs[term] { t = known } else {
            t = Int32(postings.count)
            termIDs[term] = t
            postings.append([])
        }
        if stemming { wordTermIDs[word] = t }
        return t
    }

    /// The query's term ids that the index knows, one per occurrence (a repeated word counts again).
    func queryTermIDs(_ query: String) -> [Int32] {
        analyzer.words(query).compactMap { word in
            if analyzer.stemmer != .none, let known = wordTermIDs[word] { return known }  // stemmed once, at indexing
            return termIDs[analyzer.stem(word)]
        }
    }

    /// idf of a term that `df` documents contain.
    func idf(_ df: Int) -> Double { Self.idf(documents: Double(count), containing: Double(df)) }

    /// ln(1 + (N − df + 0.5) / (df + 0.5)), Lucene's (and bm25s's) idf: the one formula the
    /// index and the SQLite store's postings search share.
    public static func idf(documents n: Double, containing df: Double) -> Double {
        log(1 + (n - df + 0.5) / (df + 0.5))
    }

    /// The per-query constants of the length normalisation: norm(|d|) = c0 + c1 · |d|.
    var lengthNorm: (c0: Double, c1: Double) {
        parameters.lengthNormalisation(averageLength: count > 0 ? Double(totalLength) / Double(count) : 1)
    }

    /// Every document's score for `query` (each query term counts once per occurrence).
    public func scores(for query: String) -> [Double] {
        var scores = [Double](repeating: 0, count: count)
        let (c0, c1) = lengthNorm
        for t in queryTermIDs(query) {
            let list = postings[Int(t)]
            let w = idf(list.count)
            for p in list {
                let f = Double(p.frequency)
                scores[Int(p.document)] += w * f / (f + (c0 + c1 * Double(lengths[Int(p.document)])))
            }
        }
        return scores
    }

    /// The `k` best documents for `query`, best first (ties: lower id first); documents that
    /// share no term with the query are not returned. Safe to call from several threads at once.
    public func search(_ query: String, k: Int) -> [(document: Int, score: Double)] {
        guard k > 0, count > 0 else { return [] }
        guard parameters.keepContributionsPositive else { return referenceSearch(query, k: k) }
        let terms = queryTermIDs(query)
        guard !terms.isEmpty else { return [] }
        let buffer = scratch.take(documents: count)
        defer { scratch.give(buffer) }
        let (c0, c1) = lengthNorm
        lengths.withUnsafeBufferPointer { lengths in
            for t in terms {
                postings[Int(t)].withUnsafeBufferPointer { list in
                    buffer.accumulate(list, idf: idf(list.count), c0: c0, c1: c1, lengths: lengths)
                }
            }
        }
        return buffer.best(k).map { (Int($0.document), $0.score) }
    }
}
