import Foundation
import Testing
import TestSupport

/// `tern bench hnsw` on numpy-written fixtures: JSON fields, and the found ids file.
@Suite struct BenchHNSWCommandTests {
    @Test func jsonAndIdsFileOnATinyBase() throws {
        let matrix = TestEnvironment.fixturePath("retrieval/npy/f32_2d.npy")  // 3 × 5, rows are distinct
        let out = temporaryPath("hnsw-ids.npy")
        let r = try TernBinary.run(["bench", "hnsw", "--base", matrix, "--queries", matrix, "--metric", "l2",
                                    "--ef", "4,8", "--k", "2", "--out", out, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["n"] as? Int == 3 && json["dimension"] as? Int == 5 && json["k"] as? Int == 2)
        // 3 vectors × 5 floats + links: a count and at least one neighbour per node on layer 0.
        #expect((json["indexBytes"] as? Int ?? 0) >= 4 * (15 + 3 + 3))
        let search = try #require(json["search"] as? [[String: Any]])
        #expect(search.map { $0["ef"] as? Int } == [4, 8])
        // Each query is a base row: its own id comes first, then its nearest other row (row 1 is
        // as far from row 0 as from row 2: either may follow it).
        let data = try Data(contentsOf: URL(fileURLWithPath: out))
        let ids = data.suffix(2 * 3 * 2 * 8).withUnsafeBytes { raw in (0..<12).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self) } }
        for e in 0..<2 {
            let row = Array(ids[(e * 6)..<(e * 6 + 6)])
            #expect(row[0] == 0 && row[1] == 1 && row[2] == 1 && [0, 2].contains(row[3]) && row[4] == 2 && row[5] == 1, "\(row)")
        }
        let bad = try TernBinary.run(["bench", "hnsw", "--base", matrix, "--queries", matrix, "--metric", "dot"])
        #expect(bad.status != 0)
    }

    /// `--interactive`: the build as one JSON line, then one line per ef read from standard input,
    /// each writing that search's ids; a line that is not a positive ef stops it, named.
    @Test func interactiveAnswersEachEfOnItsOwnLine() throws {
        let matrix = TestEnvironment.fixturePath("retrieval/npy/f32_2d.npy")
        let out = temporaryPath("hnsw-interactive-ids.npy")
        let r = try TernBinary.run(["bench", "hnsw", "--base", matrix, "--queries", matrix, "--metric", "l2", "--k", "2",
                                    "--out", out, "--interactive"], stdin: "4\n8\n")
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 3, "\(r.stdout)")
        #expect((lines.first??["indexBytes"] as? Int ?? 0) >= 4 * (15 + 3 + 3))
        #expect(lines.dropFirst().map { $0?["ef"] as? Int } == [4, 8])
        #expect(lines.dropFirst().allSatisfy { ($0?["qps"] as? Double ?? 0) > 0 })
        // The last search's ids: 3 queries × 2.
        let data = try Data(contentsOf: URL(fileURLWithPath: out))
        let ids = data.suffix(3 * 2 * 8).withUnsafeBytes { raw in (0..<6).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self) } }
        #expect(ids[0] == 0 && ids[2] == 1 && ids[4] == 2, "\(ids)")
        let bad = try TernBinary.run(["bench", "hnsw", "--base", matrix, "--queries", matrix, "--metric", "l2", "--interactive"],
                                     stdin: "4\nfast\n")
        #expect(bad.status != 0 && bad.stderr.contains("'fast' is not a positive efSearch"), "\(bad.stderr)")
    }

    /// `tern bench store` on a tiny base: a store with one chunk per row, every mode timed, and a
    /// store path that exists is refused.
    @Test func storeBenchBuildsAndSearches() throws {
        let matrix = TestEnvironment.fixturePath("retrieval/npy/f32_2d.npy")
        let db = temporaryPath("bench-store.sqlite")
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) } }
        let r = try TernBinary.run(["bench", "store", "--vectors", matrix, "--queries", matrix, "--db", db, "--searches", "5", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["chunks"] as? Int == 3 && json["dimension"] as? Int == 5 && (json["fileBytes"] as? Int ?? 0) > 0)
        let warm = try #require(json["warm"] as? [[String: Any]])
        #expect(warm.map { $0["mode"] as? String } == ["vector", "bm25", "hybrid"])
        #expect(warm.allSatisfy { ($0["queriesPerSecond"] as? Double ?? 0) > 0 })
        let again = try TernBinary.run(["bench", "store", "--vectors", matrix, "--queries", matrix, "--db", db])
        #expect(again.status != 0 && again.stderr.contains("exists"), "\(again.stderr)")
    }
}
