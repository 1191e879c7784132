import Autodiff
import Foundation

/// A one-file store at scale without an hour of embedding (`tern bench store`): chunk i is one
/// document of 40 words drawn from a Zipf vocabulary (so BM25 has real head terms) with row i of
/// `base` as its vector; query j is 4 such words with row j of `queries`. Times the build, opening,
/// the first vector and BM25 searches (which read the graph and the postings), and warm searches
/// per mode on one searcher.
public enum StoreBenchmark {
    /// What one run measured.
    public struct Result: Codable, Sendable {
        public struct Mode: Codable, Sendable { public var mode: String; public var queriesPerSecond: Double; public var medianMilliseconds: Double }
        public var chunks: Int, dimension: Int
        public var buildSeconds: Double, fileBytes: Int
        /// Opening the store, the first vector search (which reads the HNSW graph) and the first
        /// BM25 search (which reads the chunk lengths and its terms' postings).
        public var openSeconds: Double, firstSearchSeconds: Double, firstBM25Seconds: Double
        public var warm: [Mode]
    }

    /// Builds a store at `path` (which must not exist) and searches it `searches` times per mode.
    public static func run(base: NPYMatrix<Float>, queries: NPYMatrix<Float>, path: String, modelName: String,
                           searches: Int) throws(KnowledgeStoreError) -> Result {
        precondition(base.columns == queries.columns && base.rows > 0 && queries.rows > 0 && searches > 0)
        let d = base.columns, baseValues = base.values, queryValues = queries.values, queryRows = queries.rows
        // A text's vector is the row its first word names: "c17 …" → chunk 17, "q3 …" → query 3.
        let embed: @Sendable ([String]) -> [[Float]] = { texts in
            texts.map { text in
                let head = text.prefix { $0 != " " }
                let row = Int(head.dropFirst()) ?? 0
                let values = head.first == "q" ? queryValues : baseValues
                return Array(values[(row * d)..<((row + 1) * d)])
            }
        }
        var words = ZipfWords(seed: 7)
        var settings = KnowledgeStoreSettings()
        settings.dimension = d
        settings.embeddingModel = modelName
        let clock = ContinuousClock()
        var started = clock.now
        do {
            let store = try KnowledgeStore.openOrCreate(path: path, settings: settings)
            let indexer = try KnowledgeIndexer(store: store, embed: embed)
            indexer.batchChunks = 1000
            var row = 0
            while row < base.rows {
                let end = min(row + 10_000, base.rows)
                let documents = (row..<end).map { i in
                    SourceDocument(source: "synthetic/\(i)", text: "c\(i) " + words.next(40), format: .text)
                }
                try indexer.index(documents: documents)
                row = end
            }
        }
        let buildSeconds = HNSWBenchmark.seconds(clock.now - started)

        started = clock.now
        let store = try KnowledgeStore.open(path: path)
        let openSeconds = HNSWBenchmark.seconds(clock.now - started)
        let texts = (0..<searches).map { "q\($0 % queryRows) " + words.next(4) }
        let searcher = KnowledgeSearcher(store: store, embed: embed)
        started = clock.now
        _ = try searcher.search(texts[0], options: SearchOptions(k: 10, mode: .vector))
        let firstSearchSeconds = HNSWBenchmark.seconds(clock.now - started)
        started = clock.now
        _ = try searcher.search(texts[0], options: SearchOptions(k: 10, mode: .bm25))
        let firstBM25Seconds = HNSWBenchmark.seconds(clock.now - started)
        var warm = [Result.Mode]()
        for mode in SearchMode.allCases {
            var times = [Double]()
            for text in texts {
                let t = clock.now
                _ = try searcher.search(text, options: SearchOptions(k: 10, mode: mode))
                times.append(HNSWBenchmark.seconds(clock.now - t))
            }
            times.sort()
            warm.append(.init(mode: mode.rawValue, queriesPerSecond: Double(times.count) / times.reduce(0, +),
                              medianMilliseconds: times[times.count / 2] * 1000))
        }
        return Result(chunks: base.rows, dimension: d, buildSeconds: buildSeconds, fileBytes: try store.statistics().fileBytes,
                      openSeconds: openSeconds, firstSearchSeconds: firstSearchSeconds, firstBM25Seconds: firstBM25Seconds,
                      warm: warm)
    }
}

/// Words "w<rank>" drawn with probability ∝ 1 / rank from 30,000 ranks (a seeded generator).
struct ZipfWords {
    private var random: SeededGenerator
    private let cumulative: [Double]

    init(seed: UInt64, vocabulary: Int = 30_000) {
        random = SeededGenerator(seed: seed)
        var sum = 0.0
        cumulative = (1...vocabulary).map { sum += 1 / Double($0); return sum }
    }

    mutating func next(_ count: Int) -> String {
        (0..<count).map { _ in
            let u = random.nextUnit() * cumulative[cumulative.count - 1]
            var lo = 0, hi = cumulative.count - 1
            while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] < u { lo = mid + 1 } else { hi = mid } }
            return "w\(lo + 1)"
        }.joined(separator: " ")
    }
}
