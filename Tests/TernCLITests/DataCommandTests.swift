import Foundation
import ModelFiles
import Testing
import TestSupport

/// `tern data tokenize` as a user runs it: a tokenizer from `tern tokenizer train`, a corpus in,
/// shards and a manifest out, ids equal to what `tern tokenize` prints.
@Suite struct DataCommandTests {
    static let documents = ["The cat sat on the mat.", "A second document, with \"quotes\" and ünïcode.",
                            "low lower lowest", "newer wider", "", "last one\nwith two lines"]

    /// A corpus file per test, a tokenizer trained on it (`<|endoftext|>` is id 0, or no special).
    func setUp(_ name: String, specials: [String] = ["<|endoftext|>"]) throws -> (jsonl: String, text: String, tokenizer: String) {
        let jsonl = temporaryPath("\(name).jsonl"), text = temporaryPath("\(name).txt"), tokenizer = temporaryPath("\(name)-tok.json")
        let lines = Self.documents.dropLast().map { d in
            String(decoding: try! JSONSerialization.data(withJSONObject: ["text": d]), as: UTF8.self) + "\n"
        }
        try writeFileAtomically(path: jsonl, bytes: Array(lines.joined().utf8))
        try writeFileAtomically(path: text, bytes: Array(Self.documents.last!.utf8))
        let r = try TernBinary.run(["tokenizer", "train", "--input", jsonl, "--vocab-size", "290", "--output", tokenizer]
                                   + (specials.isEmpty ? [] : ["--special"] + specials))
        #expect(r.status == 0, "\(r.stderr)")
        return (jsonl, text, tokenizer)
    }

    func remove(_ paths: String...) { for p in paths { try? FileManager.default.removeItem(atPath: p) } }

    /// The uint16 ids after the 256-byte header of each shard, in order.
    func ids(_ dir: String, _ files: [String]) throws -> [Int] {
        try files.flatMap { f -> [Int] in
            let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + f)))
            #expect(Array(data[0..<8]) == Array("TERNTOKS".utf8) && data[12] == 2)
            return stride(from: 256, to: data.count, by: 2).map { Int(data[$0]) | Int(data[$0 + 1]) << 8 }
        }
    }

    @Test func tokenizesIntoShardsThatMatchTokenize() throws {
        let (jsonl, text, tokenizer) = try setUp("data-ok")
        let out = temporaryPath("data-out"), again = temporaryPath("data-again")
        defer { remove(jsonl, text, tokenizer, out, again) }
        let arguments = ["data", "tokenize", "--tokenizer", tokenizer, "--shard-tokens", "16", "--validation-documents", "2",
                         "--append-eos", jsonl, text]
        let r = try TernBinary.run(arguments + ["--output", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("train: 4 documents") && r.stderr.contains("validation: 2 documents"), "\(r.stderr)")

        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json"))) as? [String: Any])
        let tokenizerInfo = try #require(manifest["tokenizer"] as? [String: Any])
        let trained = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tokenizer))) as? [String: Any]
        let vocabulary = ((trained?["model"] as? [String: Any])?["vocab"] as? [String: Int])?.count
        #expect(tokenizerInfo["end_of_document_token"] as? Int == 0 && tokenizerInfo["vocabulary_size"] as? Int == vocabulary)
        func files(_ split: String) -> [String] {
            ((manifest[split] as? [String: Any])?["shards"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String }
        }
        #expect(files("train").count > 1 && files("validation").first == "validation-000000.bin")

        // Validation holds the first two documents, train the rest; each is `tern tokenize` + <|endoftext|>.
        func tokenize(_ d: String) throws -> [Int] {
            if d.isEmpty { return [] }
            let t = try TernBinary.run(["tokenize", "--tokenizer", tokenizer, "--text", d])
            return try JSONSerialization.jsonObject(with: Data(t.stdout.utf8)) as? [Int] ?? [-1]
        }
        let expected = try Self.documents.map { try tokenize($0) + [0] }
        #expect(try ids(out, files("validation")) == expected[0..<2].flatMap { $0 })
        #expect(try ids(out, files("train")) == expected[2...].flatMap { $0 })

        // A second run gives the same bytes; a run into a complete set is refused.
        #expect(try TernBinary.run(arguments + ["--output", again]).status == 0)
        for name in try FileManager.default.contentsOfDirectory(atPath: out) {
            #expect(FileManager.default.contents(atPath: out + "/" + name) == FileManager.default.contents(atPath: again + "/" + name), "\(name)")
        }
        let refused = try TernBinary.run(arguments + ["--output", out])
        #expect(refused.status != 0 && refused.stderr.contains("already holds a complete token shard set"), "\(refused.stderr)")
    }

    @Test func malformedLineIsNamedAndNothingLooksComplete() throws {
        let (jsonl, text, tokenizer) = try setUp("data-bad")
        let bad = temporaryPath("data-bad-lines.jsonl"), out = temporaryPath("data-bad-out")
        defer { remove(jsonl, text, tokenizer, bad, out) }
        try writeFileAtomically(path: bad, bytes: Array("{\"text\": \"fine\"}\n{\"text\": \"fine too\"}\n{\"text\": oops}\n".utf8))
        let r = try TernBinary.run(["data", "tokenize", "--tokenizer", tokenizer, "--output", out, "--shard-tokens", "2", jsonl, bad])
        #expect(r.status != 0 && r.status < 128, "exit status \(r.status)")
        #expect(r.stderr.contains("\(bad):3: not valid JSON"), "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).isEmpty)
    }

    @Test func appendEOSNeedsAnEndOfTextToken() throws {
        let (jsonl, text, tokenizer) = try setUp("data-noeos", specials: [])
        let out = temporaryPath("data-noeos-out")
        defer { remove(jsonl, text, tokenizer, out) }
        let r = try TernBinary.run(["data", "tokenize", "--tokenizer", tokenizer, "--output", out, "--append-eos", jsonl])
        #expect(r.status != 0 && r.stderr.contains("end-of-document token was requested, but the tokenizer has none"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/manifest.json"))
        let both = try TernBinary.run(["data", "tokenize", "--tokenizer", tokenizer, "--output", out,
                                       "--validation-fraction", "0.1", "--validation-documents", "3", jsonl])
        #expect(both.status != 0 && both.stderr.contains("not both"), "\(both.stderr)")
    }
}
