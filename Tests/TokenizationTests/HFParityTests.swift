import Foundation
import Testing
import TestSupport
@testable import Tokenization

/// Tern's trainer and tokenizer.json against HF `tokenizers` (scripts/fixtures/hf_bpe_parity.py):
/// HF loads the file Tern wrote (and a variant with ignore_merges and BOS/EOS added by a
/// post-processor) and must encode and decode 2,500 varied strings with each exactly as Tern does; HF's BpeTrainer, given the same corpus and settings, must learn the same vocabulary and
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
        var texts = [String]()
        for i in 0..<2_500 {
            var t = strings.next()
            if i % 25 == 0 { t += Self.specials[i % 2] + strings.next() }  // special tokens inside text
            texts.append(t)
        }
        try writeCases(tok, texts, to: casesPath)

        // A variant with the options real files use: ignore_merges (Llama 3) and a post-processor
        // that adds BOS and EOS (TemplateProcessing).
        var variant = trained
        variant.ignoreMerges = true
        // Whole words of the test strings that merging splits in two or more: as tokens, only
        // ignore_merges emits them whole.
        var scanner = WordScanner(pattern: trained.pattern)
        var wholeWords = [String]()
        for t in texts.prefix(400) where !Self.specials.contains(where: t.contains) {
            var u = t
            u.withUTF8 { scanner.forEachWord(in: $0) { word in
                let text = String(String.UnicodeScalarView(word.map { Unicode.Scalar(ByteLevelAlphabet.scalarOfByte[Int($0)])! }))
                if tok.encode(String(decoding: word, as: UTF8.self), addSpecial: false).count > 1, !wholeWords.contains(text) {
                    wholeWords.append(text)
                }
            } }
        }
        variant.vocabulary += wholeWords.prefix(60)
        variant.prefixToken = 0
        variant.suffixToken = 1
        let variantPath = dir.appendingPathComponent("variant.json").path
        let variantCasesPath = dir.appendingPathComponent("variant-cases.jsonl").path
        try variant.write(to: variantPath)
        let variantTok = try Tokenizer(tokenizerJSON: variantPath)
        #expect(variantTok.addsBOS && variantTok.addsEOS && variantTok.encode("a").first == 0 && variantTok.encode("a").last == 1)
        try writeCases(variantTok, texts, to: variantCasesPath)
        let changedByIgnoreMerges = texts.filter {
            Array(variantTok.encode($0, addSpecial: false, parseSpecial: true)) != tok.encode($0, addSpecial: false, parseSpecial: true)
        }.count
        #expect(changedByIgnoreMerges > 20)

        var arguments = ["--tokenizer", oursPath, "--cases", casesPath, "--corpus", corpusPath, "--pattern", pattern,
                         "--vocab-size", "2000", "--min-frequency", "2", "--hf-out", hfPath,
                         "--check", variantPath, variantCasesPath]
        for s in Self.specials { arguments += ["--special", s] }
        let r = try ReferencePython.run(script: "scripts/fixtures/hf_bpe_parity.py", arguments)
        try #require(r.status == 0, "hf_bpe_parity.py failed: \(r.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        print("[hf-parity] \(pattern): \(report["compared"] ?? "?") strings, \(report["id_mismatches"] ?? "?") id / \(report["decode_mismatches"] ?? "?") decode mismatches (ignore_merges changes \(changedByIgnoreMerges) strings); vocab equal \(report["vocab_equal"] ?? "?"), merges equal \(report["merges_equal"] ?? "?") (tokenizers \(report["hf_version"] ?? "?"))")
        #expect(report["compared"] as? Int == 5_000)
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

    /// JSONL cases {"t": text, "ids": Tern's ids with specials added and parsed, "d": their decoding}.
    func writeCases(_ tok: Tokenizer, _ texts: [String], to path: String) throws {
        var lines = [String]()
        for t in texts {
            let ids = tok.encode(t, addSpecial: true, parseSpecial: true)
            let object: [String: Any] = ["t": t, "ids": ids, "d": tok.decode(ids)]
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}
