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

    /// Builds an index of `base` (ids are row numbers) and searches every query at each `ef`.
    /// `found[e]` holds the ids per query at `efs[e]`, `k` per query, -1 where fewer came back.
    public static func run(base: NPYMatrix<Float>, queries: NPYMatrix<Float>, metric: FlatVectorIndex.Metric,
                           parameters: HNSWIndex.Parameters, efs: [Int], k: Int) -> (result: Result, found: [[Int64]]) {
        let d = base.columns
        var index = HNSWIndex(dimension: d, metric: metric, parameters: parameters)
        let clock = ContinuousClock()
        let buildStart = clock.now
        for row in 0..<base.rows { index.add(id: row, vector: Array(base.values[(row * d)..<((row + 1) * d)])) }
        let buildSeconds = seconds(clock.now - buildStart)
        let rows = (0..<queries.rows).map { Array(queries.values[($0 * d)..<(($0 + 1) * d)]) }
        var searches = [Result.Search](), found = [[Int64]]()
        for ef in efs {
            var ids = [Int64](repeating: -1, count: rows.count * k)
            let start = clock.now
            for (qi, q) in rows.enumerated() {
                for (j, hit) in index.search(q, k: k, ef: ef).enumerated() { ids[qi * k + j] = Int64(hit.id) }
            }
            let s = seconds(clock.now - start)
            searches.append(.init(ef: ef, seconds: s, qps: Double(rows.count) / max(s, 1e-9)))
            found.append(ids)
        }
        let result = Result(n: base.rows, queries: queries.rows, dimension: d, k: k, metric: metric.rawValue,
                            m: parameters.m, efConstruction: parameters.efConstruction, buildSeconds: buildSeconds,
                            indexBytes: index.storedBytes, search: searches)
        return (result, found)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
