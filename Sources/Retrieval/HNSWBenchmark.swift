import Foundation

/// Build and search timings of an `HNSWIndex` on a base and a query matrix, single thread, as
/// hnswlib is measured (`tern bench hnsw`, bench/vectors_vs_hnswlib.py).
public enum HNSWBenchmark {
    /// What one run measured.
    public struct Result: Codable, Sendable {
        /// One search setting.
        public struct Search: Codable, Sendable {
            /// efSearch.
            public var ef: Int
            /// Wall seconds for all queries, one `search` call each.
            public var seconds: Double
            /// Queries per second.
            public var qps: Double
        }
        /// Base vectors, queries, dimension, neighbours per query.
        public var n: Int, queries: Int, dimension: Int, k: Int
        /// The metric's raw value (`ip`, `l2`, `cosine`).
        public var metric: String
        /// Build settings.
        public var m: Int, efConstruction: Int
        /// Wall seconds to insert every base vector (ids 0..<n).
        public var buildSeconds: Double
        /// Vectors + links as stored (`HNSWIndex.storedBytes`).
        public var indexBytes: Int
        /// One entry per ef, in the order given.
        public var search: [Search]
    }

    /// An index of `base` (ids are row numbers) and the wall seconds it took to build.
    public static func build(base: NPYMatrix<Float>, metric: FlatVectorIndex.Metric,
                             parameters: HNSWIndex.Parameters) -> (index: HNSWIndex, seconds: Double) {
        let d = base.columns
        var index = HNSWIndex(dimension: d, metric: metric, parameters: parameters)
        let clock = ContinuousClock()
        let start = clock.now
        for row in 0..<base.rows { index.add(id: row, vector: Array(base.values[(row * d)..<((row + 1) * d)])) }
        return (index, seconds(clock.now - start))
    }

    /// Every query searched once at `ef`, one `search` call each: the timing, and `k` ids per
    /// query (-1 where fewer came back).
    public static func search(_ index: HNSWIndex, queries rows: [[Float]], ef: Int, k: Int) -> (search: Result.Search, ids: [Int64]) {
        let clock = ContinuousClock()
        var ids = [Int64](repeating: -1, count: rows.count * k)
        let start = clock.now
        for (qi, q) in rows.enumerated() {
            for (j, hit) in index.search(q, k: k, ef: ef).enumerated() { ids[qi * k + j] = Int64(hit.id) }
        }
        let s = seconds(clock.now - start)
        return (.init(ef: ef, seconds: s, qps: Double(rows.count) / max(s, 1e-9)), ids)
    }

    /// The rows of `m`.
    public static func rows(_ m: NPYMatrix<Float>) -> [[Float]] {
        (0..<m.rows).map { Array(m.values[($0 * m.columns)..<(($0 + 1) * m.columns)]) }
    }

    /// Builds an index of `base` (ids are row numbers) and searches every query at each `ef`.
    /// `found[e]` holds the ids per query at `efs[e]`, `k` per query, -1 where fewer came back.
    public static func run(base: NPYMatrix<Float>, queries: NPYMatrix<Float>, metric: FlatVectorIndex.Metric,
                           parameters: HNSWIndex.Parameters, efs: [Int], k: Int) -> (result: Result, found: [[Int64]]) {
        let (index, buildSeconds) = build(base: base, metric: metric, parameters: parameters)
        let rows = rows(queries)
        var searches = [Result.Search](), found = [[Int64]]()
        for ef in efs {
            let (timing, ids) = search(index, queries: rows, ef: ef, k: k)
            searches.append(timing)
            found.append(ids)
        }
        let result = Result(n: base.rows, queries: queries.rows, dimension: base.columns, k: k, metric: metric.rawValue,
                            m: parameters.m, efConstruction: parameters.efConstruction, buildSeconds: buildSeconds,
                            indexBytes: index.storedBytes, search: searches)
        return (result, found)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
