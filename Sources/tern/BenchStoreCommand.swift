import ArgumentParser
import Autodiff
import Foundation
import Retrieval

/// `tern bench store`: a one-file RAG store at scale, without an hour of embedding: chunk i is
/// synthetic text (Zipf-distributed words, so BM25 has real postings) with row i of a .npy as
/// its vector. Reports the build, the file, opening it and the first search (the graph is read
/// then), and warm searches per mode.
struct StoreBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Build, open and search a RAG store of .npy vectors with synthetic text.",
        discussion: """
            --vectors and --queries are float32 .npy matrices of the same width (MiniLM embeddings, say). Chunk i \
            is one document of 40 words drawn from a Zipf vocabulary of 30,000 words; query j is 4 such words, \
            embedded as row j of --queries. --db must not exist. Warm searches run on one searcher (the graph \
            and the postings of terms seen before are in memory).
            """)

    @Option(help: "Chunk vectors (.npy float32, rows × dimension).") var vectors: String
    @Option(help: "Query vectors (.npy float32).") var queries: String
    @Option(help: "The store to create.") var db: String
    @Option(help: "Use only the first N rows of --vectors (0: all).") var limit = 0
    @Option(help: "Warm searches per mode.") var searches = 200
    @Flag(help: "Print one JSON object.") var json = false

    struct Result: Codable {
        struct Mode: Codable { var mode: String; var queriesPerSecond: Double; var medianMilliseconds: Double }
        var chunks: Int, dimension: Int
        var buildSeconds: Double, fileBytes: Int
        /// Opening the store, the first vector search (which reads the HNSW graph) and the first
        /// BM25 search (which reads the chunk lengths and its terms' postings).
        var openSeconds: Double, firstSearchSeconds: Double, firstBM25Seconds: Double
        var warm: [Mode]
    }

    func validate() throws {
        guard limit >= 0, searches >= 1 else { throw ValidationError("--limit ≥ 0 and --searches ≥ 1") }
        guard !FileManager.default.fileExists(atPath: db) else { throw ValidationError("\(db) exists: give a new path") }
    }

    func run() throws {
        var base = try NPYFile.readFloat32(vectors)
        let query = try NPYFile.readFloat32(queries)
        guard base.columns == query.columns, base.rows > 0, query.rows > 0 else {
            throw ValidationError("--vectors has \(base.columns) columns, --queries \(query.columns) (and neither may be empty)")
        }
        if limit > 0 && limit < base.rows {
            base = NPYMatrix(rows: limit, columns: base.columns, values: Array(base.values.prefix(limit * base.columns)))
        }
        let d = base.columns, baseValues = base.values, queryValues = query.values, queryRows = query.rows
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
        settings.embeddingModel = (vectors as NSString).lastPathComponent
        let clock = ContinuousClock()
        var started = clock.now
        do {
            let store = try KnowledgeStore.openOrCreate(path: db, settings: settings)
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
        let buildSeconds = seconds(clock.now - started)

        started = clock.now
        let store = try KnowledgeStore.open(path: db)
        let openSeconds = seconds(clock.now - started)
        let texts = (0..<searches).map { "q\($0 % queryRows) " + words.next(4) }
        let searcher = KnowledgeSearcher(store: store, embed: embed)
        started = clock.now
        _ = try searcher.search(texts[0], options: SearchOptions(k: 10, mode: .vector))
        let firstSearchSeconds = seconds(clock.now - started)
        started = clock.now
        _ = try searcher.search(texts[0], options: SearchOptions(k: 10, mode: .bm25))
        let firstBM25Seconds = seconds(clock.now - started)
        var warm = [Result.Mode]()
        for mode in SearchMode.allCases {
            var times = [Double]()
            for text in texts {
                let t = clock.now
                _ = try searcher.search(text, options: SearchOptions(k: 10, mode: mode))
                times.append(seconds(clock.now - t))
            }
            times.sort()
            warm.append(.init(mode: mode.rawValue, queriesPerSecond: Double(times.count) / times.reduce(0, +),
                              medianMilliseconds: times[times.count / 2] * 1000))
        }
        let result = Result(chunks: base.rows, dimension: d, buildSeconds: buildSeconds, fileBytes: try store.statistics().fileBytes,
                            openSeconds: openSeconds, firstSearchSeconds: firstSearchSeconds, firstBM25Seconds: firstBM25Seconds,
                            warm: warm)
        if json {
            print(try encodeJSON(result))
        } else {
            print(String(format: "%d chunks × %d: built in %.1f s, %d bytes; open %.3f s, first vector search %.2f s, first BM25 search %.3f s",
                         result.chunks, d, buildSeconds, result.fileBytes, openSeconds, firstSearchSeconds, firstBM25Seconds))
            for m in warm { print(String(format: "  %-7@ %8.1f queries/s, median %.2f ms", m.mode, m.queriesPerSecond, m.medianMilliseconds)) }
        }
    }

    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
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
