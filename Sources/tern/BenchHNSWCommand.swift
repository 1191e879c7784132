import ArgumentParser
import Foundation
import Retrieval

/// `tern bench hnsw`: HNSW build time, index size, and QPS per efSearch on .npy vectors, one thread
/// (the hnswlib side runs in bench/vectors_vs_hnswlib.py with the same settings).
struct HNSWBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hnsw", abstract: "HNSW build seconds, index bytes and queries/s per efSearch on .npy float32 vectors.",
        discussion: """
            --base and --queries are float32 C-order .npy matrices with the same number of columns; \
            base rows get ids 0…n-1. With --out, the found ids are written as an int64 .npy of \
            (number of ef values × queries) rows and k columns (-1 where fewer were found), ef by ef.
            """)

    @Option(help: "Base vectors (.npy, float32, rows × dimension).") var base: String
    @Option(help: "Query vectors (.npy, float32).") var queries: String
    @Option(help: "ip, l2 or cosine.") var metric: String
    @Option(help: "Links per node (2·m on layer 0).") var m = 16
    @Option(name: .customLong("ef-construction"), help: "Candidates while inserting.") var efConstruction = 200
    @Option(help: "efSearch values, comma-separated.") var ef = "16,32,64,128"
    @Option(help: "Neighbours per query.") var k = 10
    @Option(help: "Use only the first N base rows (0: all).") var limit = 0
    @Option(help: "Write the found ids here (.npy, int64).") var out: String?
    @Flag(help: "Print one JSON object.") var json = false
    @Flag(help: """
        After building, print the build as one JSON line, then read efSearch values from standard \
        input, one per line, and answer each with one JSON line (every query searched at that ef; \
        with --out, its ids are written there): a benchmark can alternate with another library.
        """) var interactive = false

    func run() throws {
        guard let metric = FlatVectorIndex.Metric(rawValue: metric) else { throw ValidationError("--metric: ip, l2 or cosine") }
        let efs = ef.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !efs.isEmpty, efs.allSatisfy({ $0 > 0 }), k > 0, m >= 2, efConstruction > 0 else {
            throw ValidationError("--ef needs positive integers, --k and --ef-construction > 0, --m ≥ 2")
        }
        var baseMatrix = try NPYFile.readFloat32(base)
        let queryMatrix = try NPYFile.readFloat32(queries)
        guard baseMatrix.columns == queryMatrix.columns, baseMatrix.columns > 0 else {
            throw ValidationError("base has \(baseMatrix.columns) columns, queries \(queryMatrix.columns)")
        }
        baseMatrix = baseMatrix.firstRows(limit)
        if interactive {
            let (index, buildSeconds) = HNSWBenchmark.build(base: baseMatrix, metric: metric, parameters: .init(m: m, efConstruction: efConstruction))
            let output = StandardOutput()
            output.write(try encodeJSON(InteractiveBuild(buildSeconds: buildSeconds, indexBytes: index.storedBytes)) + "\n")
            let rows = HNSWBenchmark.rows(queryMatrix)
            while let line = readLine() {
                guard let ef = Int(line.trimmingCharacters(in: .whitespaces)), ef > 0 else {
                    throw ValidationError("standard input: '\(line)' is not a positive efSearch")
                }
                let (timing, ids) = HNSWBenchmark.search(index, queries: rows, ef: ef, k: k)
                if let out { try NPYFile.write(NPYMatrix(rows: queryMatrix.rows, columns: k, values: ids), to: out) }
                output.write(try encodeJSON(timing) + "\n")
            }
            return
        }
        let (result, found) = HNSWBenchmark.run(
            base: baseMatrix, queries: queryMatrix, metric: metric,
            parameters: .init(m: m, efConstruction: efConstruction), efs: efs, k: k)
        if let out {
            try NPYFile.write(NPYMatrix(rows: efs.count * queryMatrix.rows, columns: k, values: found.flatMap { $0 }), to: out)
        }
        if json {
            print(try encodeJSON(result))
        } else {
            print(String(format: "%d × %d %@, m %d, efConstruction %d: build %.2f s, index %d bytes",
                         result.n, result.dimension, result.metric, m, efConstruction, result.buildSeconds, result.indexBytes))
            for s in result.search { print(String(format: "  ef %4d: %.0f queries/s", s.ef, s.qps)) }
        }
    }
}

/// The first line of `tern bench hnsw --interactive`.
struct InteractiveBuild: Codable {
    var buildSeconds: Double
    var indexBytes: Int
}
