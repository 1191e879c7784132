import Foundation
import Testing
import TestSupport
@testable import Tokenization

/// Tern's trainer and tokenizer.json against HF `tokenizers` (scripts/fixtures/hf_bpe_parity.py):
/// HF loads the file Tern wrote and must encode and decode 2,500 varied strings exactly as Tern
/// does; HF's BpeTrainer, given the same corpus and settings, must learn the same vocabulary and
/// merges; and Tern must read the file HF wrote and encode as before.
@Suite(.serialized) struct HFParityTests {
    static let specials = ["<|endoftext|>", "<|pad|>"]

    @Test(.enabled(if: ReferencePython.hasModule("tokenizers")), arguments: ["gpt2", "llama3", "qwen2"])
    func matchesHuggingFaceTokenizers(pattern: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tern-bpe-parity-\(pattern)-\(TestEnvironment.processID)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpusPath = dir.appendingPathComponent("corpus.txt").path
        let oursPath = dir.appendingPathComponent("tern.json").path
        let casesPath = dir.appendingPathComponent("cases.jsonl").path
        let hfPath = dir.appendingPathComponent("hf.json").path

        // The corpus: one text per line (a string's own newlines make more lines, as in any text file).
        var corpus = VariedText(seed: 1)
        try (0..<6_000).map { _ in corpus.next() + "\n" }.joined().write(toFile: corpusPath, atomically: true, encoding: .utf8)
        var configuration = BPETrainer.Configuration()
        configuration.vocabularySize = 2_000
        configuration.minFrequency = 2
        configuration.specialTokens = Self.specials
        configuration.pattern = pattern
        var trainer = try BPETrainer(configuration: configuration)
        try trainer.add(contentsOf: corpusPath, format: .text)
        let trained = trainer.train()
        #expect(trained.vocabulary.count == 2_000)
        try trained.write(to: oursPath)

        let tok = try Tokenizer(tokenizerJSON: oursPath)
        var strings = VariedText(seed: 2)
        var cases = [String]()
        var texts = [String]()
        for i in 0..<2_500 {
            var t = strings.next()
            if i % 25 == 0 { t += Self.specials[i % 2] + strings.next() }  // special tokens inside text
            texts.append(t)
            let ids = tok.encode(t, addSpecial: true, parseSpecial: true)
            let object: [String: Any] = ["t": t, "ids": ids, "d": tok.decode(ids)]
            cases.append(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        }
        try (cases.joined(separator: "\n") + "\n").write(toFile: casesPath, atomically: true, encoding: .utf8)

        var arguments = ["--tokenizer", oursPath, "--cases", casesPath, "--corpus", corpusPath, "--pattern", pattern,
                         "--vocab-size", "2000", "--min-frequency", "2", "--hf-out", hfPath]
        for s in Self.specials { arguments += ["--special", s] }
        let r = try ReferencePython.run(script: "scripts/fixtures/hf_bpe_parity.py", arguments)
        try #require(r.status == 0, "hf_bpe_parity.py failed: \(r.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        print("[hf-parity] \(pattern): \(report["compared"] ?? "?") strings, \(report["id_mismatches"] ?? "?") id / \(report["decode_mismatches"] ?? "?") decode mismatches; vocab equal \(report["vocab_equal"] ?? "?"), merges equal \(report["merges_equal"] ?? "?") (tokenizers \(report["hf_version"] ?? "?"))")
        #expect(report["compared"] as? Int == 2_500)
        #expect(report["id_mismatches"] as? Int == 0, "\(report["examples"] ?? "")")
        #expect(report["decode_mismatches"] as? Int == 0, "\(report["examples"] ?? "")")
        #expect(report["vocab_equal"] as? Bool == true)
        #expect(report["merges_equal"] as? Bool == true, "\(report["first_merge_difference"] ?? "")")

        // HF's own file (merges as pairs, its own layout) reads back into the same encodings.
        let hf = try Tokenizer(tokenizerJSON: hfPath)
        var differing = 0
        for t in texts where hf.encode(t, addSpecial: true, parseSpecial: true) != tok.encode(t, addSpecial: true, parseSpecial: true) {
            differing += 1
        }
        #expect(differing == 0)
    }
}
