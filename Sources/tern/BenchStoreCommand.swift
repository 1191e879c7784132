import ArgumentParser
import Foundation
import Retrieval

/// `tern bench store`: `StoreBenchmark` on .npy vectors (the measuring lives in Retrieval).
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
        base = base.firstRows(limit)
        let result = try StoreBenchmark.run(base: base, queries: query, path: db, modelName: (vectors as NSString).lastPathComponent,
                                            searches: searches)
        if json {
            print(try encodeJSON(result))
        } else {
            print(String(format: "%d chunks × %d: built in %.1f s, %d bytes; open %.3f s, first vector search %.2f s, first BM25 search %.3f s",
                         result.chunks, result.dimension, result.buildSeconds, result.fileBytes, result.openSeconds,
                         result.firstSearchSeconds, result.firstBM25Seconds))
            for m in result.warm {
                print(String(format: "  %-7@ %8.1f queries/s, median %.2f ms", m.mode, m.queriesPerSecond, m.medianMilliseconds))
            }
        }
    }
}
