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
/// ones, so adding documents needs no rebuild. Postings hold (document, term frequency).
public struct BM25Index: Sendable {
    /// Okapi's saturation and length-normalisation parameters.
    public struct Parameters: Codable, Sendable, Equatable {
        public var k1: Double = 1.5
        public var b: Double = 0.75
        public init(k1: Double = 1.5, b: Double = 0.75) { self.k1 = k1; self.b = b }
    }

    public let analyzer: BM25Analyzer
    public let parameters: Parameters
    private var termIDs: [String: Int32] = [:]
    /// postings[term]: (document, tf) in increasing document order.
    private var postings: [[(document: Int32, frequency: Int32)]] = []
    /// Terms per document, after analysis.
    private var lengths: [Int32] = []
    private var totalLength = 0

    public init(analyzer: BM25Analyzer = BM25Analyzer(), parameters: Parameters = Parameters()) {
        self.analyzer = analyzer
        self.parameters = parameters
    }

    /// Documents indexed.
    public var count: Int { lengths.count }
    /// Distinct terms.
    public var vocabularySize: Int { postings.count }

    /// Indexes `text` as the next document and returns its id.
    @discardableResult
    public mutating func add(_ text: String) -> Int {
        let id = Int32(lengths.count)
        var counts: [Int32: Int32] = [:]
        let terms = analyzer.terms(text)
        for term in terms {
            let t: Int32
            if let known = termIDs[term] { t = known } else {
                t = Int32(postings.count)
                termIDs[term] = t
                postings.append([])
            }
            counts[t, default: 0] += 1
        }
        for (t, n) in counts { postings[Int(t)].append((id, n)) }
        lengths.append(Int32(terms.count))
        totalLength += terms.count
        return Int(id)
    }

    /// idf of a term that `df` documents contain.
    func idf(_ df: Int) -> Double {
        log(1 + (Double(count) - Double(df) + 0.5) / (Double(df) + 0.5))
    }

    /// Every document's score for `query` (each query term counts once per occurrence).
    public func scores(for query: String) -> [Double] {
        var scores = [Double](repeating: 0, count: count)
        accumulate(query) { d, s in scores[d] += s }
        return scores
    }

    /// The `k` best documents for `query`, best first (ties: lower id first); documents that
    /// share no term with the query are not returned.
    public func search(_ query: String, k: Int) -> [(document: Int, score: Double)] {
        guard k > 0 else { return [] }
        var scores = [Int: Double]()
        accumulate(query) { d, s in scores[d, default: 0] += s }
        return scores.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(k).map { ($0.key, $0.value) }
    }

    private func accumulate(_ query: String, _ add: (Int, Double) -> Void) {
        guard count > 0 else { return }
        let average = Double(totalLength) / Double(count)
        let k1 = parameters.k1, b = parameters.b
        for term in analyzer.terms(query) {
            guard let t = termIDs[term] else { continue }
            let list = postings[Int(t)]
            let w = idf(list.count)
            for (d, tf) in list {
                let f = Double(tf), norm = k1 * (1 - b + b * Double(lengths[Int(d)]) / max(average, 1e-12))
                add(Int(d), w * f / (f + norm))
            }
        }
    }
}
