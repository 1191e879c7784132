import Foundation
import Testing
import TestSupport
@testable import Tokenization

/// Corpus → shard directory: the ids are exactly `encode` of each document plus the separator,
/// in order; runs are byte-identical; bad input leaves nothing that looks complete.
@Suite struct TokenShardBuilderTests {
    /// A byte-level BPE tokenizer trained on varied text, `<|endoftext|>` = id 0 (and one without specials).
    static let tokenizer = train(specials: ["<|endoftext|>", "<|pad|>"])
    static let plainTokenizer = train(specials: [])

    static func train(specials: [String]) -> Tokenizer {
        var c = BPETrainer.Configuration()
        c.vocabularySize = 400
        c.specialTokens = specials
        var trainer = try! BPETrainer(configuration: c)
        var text = VariedText(seed: 7)
        for _ in 0..<400 { trainer.add(text.next()) }
        return try! Tokenizer(vocabulary: Vocabulary(trainer.train()))
    }

    /// `count` varied documents; one spells the separator as text, one is empty.
    static func documents(_ count: Int, seed: UInt64 = 1, pieces: Int = 4) -> [String] {
        var text = VariedText(seed: seed)
        return (0..<count).map { i in
            switch i {
            case 3: return "text that spells <|endoftext|> inside"
            case 5: return ""
            default: return (0..<(1 + i % pieces)).map { _ in text.next() }.joined(separator: " ")
            }
        }
    }

    static func jsonl(_ documents: [String], field: String = "text") -> String {
        documents.map { d in
            let data = try! JSONSerialization.data(withJSONObject: [field: d, "id": 1], options: [.sortedKeys])
            return String(decoding: data, as: UTF8.self) + "\n"
        }.joined()
    }

    static func file(_ name: String, _ text: String) -> String {
        let path = temporaryPath(name)
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    static func files(in dir: String) -> [String: Data] {
        var out = [String: Data]()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
            out[name] = FileManager.default.contents(atPath: dir + "/" + name)
        }
        return out
    }

    func configuration(_ change: (inout TokenShardBuilder.Configuration) -> Void) -> TokenShardBuilder.Configuration {
        var c = TokenShardBuilder.Configuration()
        c.shardTokens = 64
        c.appendEndOfDocument = true
        change(&c)
        return c
    }

    /// What the shards must hold: each document's `encode` without specials, then the separator.
    func expected(_ documents: [String], separator: Int32? = 0) -> [Int32] {
        documents.flatMap { d in Self.tokenizer.encode(d, addSpecial: false).map(Int32.init) + (separator.map { [$0] } ?? []) }
    }

    @Test func shardsHoldEncodeOfEachDocumentThenTheSeparator() throws {
        let docs = Self.documents(60)
        let jsonl = Self.file("corpus.jsonl", Self.jsonl(Array(docs[0..<50])))
        let texts = (50..<60).map { Self.file("doc\($0).txt", docs[$0]) }
        let out = temporaryPath("shards-built")
        defer { for p in [jsonl, out] + texts { try? FileManager.default.removeItem(atPath: p) } }
        let builder = try TokenShardBuilder(tokenizer: Self.tokenizer, configuration: configuration { _ in })
        #expect(builder.endOfDocumentToken == 0)
        var reports = [TokenShardBuilder.Progress]()
        let manifest = try builder.build(inputs: [jsonl] + texts, outputDirectory: out) { reports.append($0) }

        let set = try TokenShardSet(directory: out, split: .train, verify: true)
        #expect(set.tokens(0..<set.tokenCount) == expected(docs))
        #expect(set.endOfDocumentToken == 0 && set.vocabularySize == 400)
        #expect(set.shards.dropLast().allSatisfy { $0.count == 64 } && set.shards.count == (set.tokenCount + 63) / 64)
        #expect(manifest.train.documents == 60 && manifest.validation.shards.isEmpty)
        #expect(manifest.inputs.map(\.documents) == [50] + Array(repeating: 1, count: 10))
        #expect(manifest.inputs[0].bytes == Self.jsonl(Array(docs[0..<50])).utf8.count)
        #expect(manifest.tokenizer.fingerprint == TokenShardBuilder.fingerprint(of: Self.tokenizer))
        #expect(try TokenShardManifest(directory: out) == manifest)
        #expect(reports.last == .init(input: texts.last!, documents: 60, tokens: set.tokenCount,
                                      bytesRead: manifest.inputs.reduce(0) { $0 + $1.bytes }))
        // The separator text inside document 3 stayed text; the only 0s are the separators.
        #expect(set.tokens(0..<set.tokenCount).filter { $0 == 0 }.count == 60)
    }

    @Test func runsAreByteIdenticalWhateverTheThreadCount() throws {
        // Several batches of documents long enough that every thread takes part.
        let input = Self.file("determinism.jsonl", Self.jsonl(Self.documents(1000, seed: 9, pieces: 60)))
        defer { unlink(input) }
        var outputs = [[String: Data]]()
        for threads in [1, 2, 0] {
            let out = temporaryPath("shards-threads-\(threads)")
            defer { try? FileManager.default.removeItem(atPath: out) }
            let builder = try TokenShardBuilder(tokenizer: Self.tokenizer, configuration: configuration {
                $0.threads = threads
                $0.shardTokens = 4096
                $0.validationSplit = .fraction(0.2)
            })
            try builder.build(inputs: [input], outputDirectory: out)
            outputs.append(Self.files(in: out))
        }
        #expect(outputs[0].count > 4 && outputs[0].keys.contains("validation-000000.bin"))
        for (run, o) in outputs.enumerated().dropFirst() {
            #expect(o.keys.sorted() == outputs[0].keys.sorted(), "run \(run): other files")
            let differing = o.keys.sorted().filter { o[$0] != outputs[0][$0] }
            #expect(differing.isEmpty, "run \(run): \(differing.count) files differ, first \(differing.prefix(3))")
        }
    }

    @Test func validationSplitIsDeterministicAndSeparate() throws {
        let docs = Self.documents(200, seed: 3)
        let input = Self.file("split.jsonl", Self.jsonl(docs))
        defer { unlink(input) }
        for rule in [TokenShardBuilder.ValidationSplit.fraction(0.25), .firstDocuments(17)] {
            let out = temporaryPath("shards-split")
            defer { try? FileManager.default.removeItem(atPath: out) }
            let builder = try TokenShardBuilder(tokenizer: Self.tokenizer, configuration: configuration { $0.validationSplit = rule })
            let manifest = try builder.build(inputs: [input], outputDirectory: out)
            let held = docs.indices.filter { rule.isValidation(documentIndex: $0) }
            let kept = docs.indices.filter { !rule.isValidation(documentIndex: $0) }
            let train = try TokenShardSet(directory: out, split: .train), validation = try TokenShardSet(directory: out, split: .validation)
            #expect(train.tokens(0..<train.tokenCount) == expected(kept.map { docs[$0] }), "\(rule)")
            #expect(validation.tokens(0..<validation.tokenCount) == expected(held.map { docs[$0] }), "\(rule)")
            #expect(manifest.validation.documents == held.count && manifest.train.documents == kept.count)
            #expect(manifest.validationSplit == rule)
            if case .fraction = rule {
                #expect((30...70).contains(held.count), "\(held.count) of 200 held out at 0.25")
                #expect(held.first! < 20 && held.last! > 180, "spread over the corpus: \(held)")
            } else {
                #expect(held == Array(0..<17))
            }
        }
    }

    @Test func withoutSeparatorDocumentsAreConcatenated() throws {
        let docs = Self.documents(12)
        let input = Self.file("plain.jsonl", Self.jsonl(docs, field: "body"))
        let out = temporaryPath("shards-plain")
        defer { unlink(input); try? FileManager.default.removeItem(atPath: out) }
        let builder = try TokenShardBuilder(tokenizer: Self.tokenizer, configuration: configuration {
            $0.appendEndOfDocument = false
            $0.textField = "body"
        })
        let manifest = try builder.build(inputs: [input], outputDirectory: out)
        let set = try TokenShardSet(directory: out, split: .train)
        #expect(set.tokens(0..<set.tokenCount) == expected(docs, separator: nil))
        #expect(manifest.tokenizer.endOfDocumentToken == nil && set.shards[0].header.endOfDocumentToken == nil)
        #expect(throws: TokenShardError.noEndOfDocumentToken) {
            _ = try TokenShardBuilder(tokenizer: Self.plainTokenizer, configuration: configuration { _ in })
        }
    }

    @Test func badInputNamesFileAndLineAndLeavesNoShards() throws {
        let good = Self.jsonl(Self.documents(40))
        let cases: [(String, String, Int, String)] = [
            ("bad.jsonl", good + "{\"text\": \"unterminated}\n" + good, 41, "not valid JSON"),
            ("missing.jsonl", good + "\n  \n{\"title\": \"no text\"}\n", 43, "no string field \"text\""),
            ("number.jsonl", "{\"text\": 5}\n", 1, "no string field"),
            ("array.jsonl", "[1, 2]\n", 1, "not a JSON object"),
        ]
        for (name, text, line, reason) in cases {
            let input = Self.file(name, text)
            let out = temporaryPath("shards-bad")
            defer { unlink(input); try? FileManager.default.removeItem(atPath: out) }
            let builder = try TokenShardBuilder(tokenizer: Self.tokenizer, configuration: configuration { $0.shardTokens = 16 })
            do {
                try builder.build(inputs: [input], outputDirectory: out)
                Issue.record("\(name): built")
            } catch {
                #expect(error.description.hasPrefix("\(input):\(line): \(reason)"), "\(error)")
            }
            #expect(Self.files(in: out).isEmpty, "\(name): left \(Self.files(in: out).keys.sorted())")
        }
        // Invalid UTF-8 on line 3 of a plain text document (the whole file is one document).
        let bytes = Array("line one\nline two\nbad \u{FF} here\n".utf8).map { $0 == 0xC3 ? 0xFF : $0 }
        let text = temporaryPath("bad.txt")
        _ = FileManager.default.createFile(atPath: text, contents: Data(bytes))
        let out = temporaryPath("shards-bad-text")
        defer { unlink(text); try? FileManager.default.removeItem(atPath: out) }
        let builder = try TokenShardBuilder(tokenizer: Self.tokenizer, configuration: configuration { _ in })
        #expect(throws: TokenShardError.invalidInput(path: text, line: 3, reason: "not valid UTF-8")) {
            try builder.build(inputs: [text], outputDirectory: out)
        }
    }

    @Test func refusesACompleteSetAndClearsAKilledRun() throws {
        let input = Self.file("again.jsonl", Self.jsonl(Self.documents(20)))
        let out = temporaryPath("shards-again")
        defer { unlink(input); try? FileManager.default.removeItem(atPath: out) }
        let builder = try TokenShardBuilder(tokenizer: Self.tokenizer, configuration: configuration { _ in })
        try builder.build(inputs: [input], outputDirectory: out)
        let first = Self.files(in: out)
        #expect(throws: TokenShardError.outputExists(path: out)) { try builder.build(inputs: [input], outputDirectory: out) }
        #expect(Self.files(in: out) == first)
        // As a killed run leaves it: shards and temporaries, no manifest. A user's file stays.
        try FileManager.default.removeItem(atPath: out + "/manifest.json")
        for name in ["train-000099.bin", ".train-000003.bin.tmp-42", "manifest.json.tmp-7", "notes.txt"] {
            _ = FileManager.default.createFile(atPath: out + "/" + name, contents: Data("x".utf8))
        }
        try builder.build(inputs: [input], outputDirectory: out)
        var expected = first
        expected["notes.txt"] = Data("x".utf8)
        #expect(Self.files(in: out) == expected)
    }
}
