import Foundation
import Testing
import TestSupport

/// `tern bench bm25` on a three-document corpus: the ids it writes, and a clear error for a bad line.
@Suite struct BenchBM25CommandTests {
    @Test func writesTopKIdsAndTimings() throws {
        let dir = temporaryPath("bench-bm25")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try #"{"text": "swift on linux"}\#n{"text": "linux kernel linux drivers"}\#n{"text": "cooking pasta"}\#n"#
            .write(toFile: dir + "/docs.jsonl", atomically: true, encoding: .utf8)
        try #"{"text": "linux"}\#n{"text": "runners running"}\#n"#.write(toFile: dir + "/q.jsonl", atomically: true, encoding: .utf8)
        let r = try TernBinary.run(["bench", "bm25", "--corpus", dir + "/docs.jsonl", "--queries", dir + "/q.jsonl",
                                    "--k", "5", "--json", "--ids-out", dir + "/ids.jsonl"])
        #expect(r.status == 0, "\(r.stderr)")
        let out = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(out["documents"] as? Int == 3 && out["queries"] as? Int == 2 && (out["qps"] as? Double ?? 0) > 0)
        let lines = try String(contentsOfFile: dir + "/ids.jsonl", encoding: .utf8).split(separator: "\n")
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["ids"] as? [Int] == [1, 0])
        #expect(lines.count == 2 && lines[1].hasPrefix(#"{"ids":[]"#))
    }

    @Test func badLineIsNamed() throws {
        let dir = temporaryPath("bench-bm25-bad")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "{\"text\": \"ok\"}\n{\"title\": 3}\n".write(toFile: dir + "/docs.jsonl", atomically: true, encoding: .utf8)
        let r = try TernBinary.run(["bench", "bm25", "--corpus", dir + "/docs.jsonl", "--queries", dir + "/docs.jsonl"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("docs.jsonl:2: "), "\(r.stderr)")
    }
}
