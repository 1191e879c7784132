import Foundation
import ModelFiles
import Testing
import TestSupport

/// `tern tokenizer train` as a user runs it: files in, tokenizer.json out, `tern tokenize` uses it.
@Suite struct TokenizerTrainCommandTests {
    @Test func trainsAndTokenizes() throws {
        let corpus = temporaryPath("train-corpus.txt"), jsonl = temporaryPath("train-corpus.jsonl")
        let output = temporaryPath("trained-tokenizer.json")
        defer { for p in [corpus, jsonl, output] { unlink(p) } }
        try writeFileAtomically(path: corpus, bytes: Array(String(repeating: "low lower lowest newer wider\n", count: 50).utf8))
        try writeFileAtomically(path: jsonl, bytes: Array("{\"text\": \"newest widest\"}\n".utf8))
        let r = try TernBinary.run(["tokenizer", "train", "--input", corpus, jsonl, "--vocab-size", "270",
                                    "--special", "<|endoftext|>", "<|pad|>", "--output", output])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("wrote \(output): 270 tokens"), "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        let model = try #require(json["model"] as? [String: Any])
        #expect((model["vocab"] as? [String: Int])?.count == 270)
        // l-o, o-w, w-e and e-r occur 150 times in the text file; the JSONL's "newest" makes w-e 151.
        #expect((model["merges"] as? [String])?.first == "w e")
        #expect((json["added_tokens"] as? [[String: Any]])?.map { $0["content"] as? String } == ["<|endoftext|>", "<|pad|>"])

        let t = try TernBinary.run(["tokenize", "--tokenizer", output, "--parse-special", "--text", "low<|pad|>"])
        #expect(t.status == 0, "\(t.stderr)")
        let ids = try JSONSerialization.jsonObject(with: Data(t.stdout.utf8)) as? [Int]
        #expect(ids?.last == 1 && (ids?.count ?? 0) >= 2, "\(t.stdout)")
    }

    @Test func badInputIsOneClearError() throws {
        let bad = temporaryPath("bad-corpus.jsonl"), output = temporaryPath("never-written.json")
        defer { unlink(bad) }
        try writeFileAtomically(path: bad, bytes: Array("{\"text\": \"fine\"}\n{\"body\": 1}\n".utf8))
        for (arguments, mentions) in [(["--input", bad], [bad + ":2", "\"text\""]),
                                      (["--input", "/nonexistent/corpus.txt"], ["/nonexistent/corpus.txt", "No such file"])] {
            let r = try TernBinary.run(["tokenizer", "train"] + arguments + ["--vocab-size", "300", "--output", output])
            #expect(r.status != 0 && r.status < 128, "exit status \(r.status)")
            for m in mentions { #expect(r.stderr.contains(m), "'\(m)' not in: \(r.stderr)") }
            #expect(!FileManager.default.fileExists(atPath: output))
        }
    }
}
