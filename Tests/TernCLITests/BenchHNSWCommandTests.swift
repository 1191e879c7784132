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
}
