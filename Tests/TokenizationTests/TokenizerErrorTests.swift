import Foundation
import ModelFiles
import Testing
@testable import Tokenization

/// Bad vocabularies fail with an error that names what is wrong, read from real GGUF files.
@Suite struct TokenizerErrorTests {
    /// A GGUF with the given metadata and no tensors, in a fresh temporary file.
    func gguf(_ metadata: [(String, GGUFValue)]) throws -> String {
        var w = GGUFWriter()
        w.set("general.architecture", .string("llama"))
        for (k, v) in metadata { w.set(k, v) }
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("tern-tokenizer-\(UUID().uuidString).gguf").path
        try w.write(to: path)
        return path
    }

    func failure(_ metadata: [(String, GGUFValue)]) throws -> TokenizerError? {
        let path = try gguf(metadata)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try Tokenizer(path: path)
            return nil
        } catch {
            return error
        }
    }

    let tokens: GGUFValue = .array(.string(["<unk>", "a", "b", "ab"]))

    @Test func unknownModel() throws {
        let e = try failure([("tokenizer.ggml.model", .string("wordpiece-9000")), ("tokenizer.ggml.tokens", tokens)])
        #expect(e == .unknownModel("wordpiece-9000"))
        #expect(e?.description.contains("'wordpiece-9000'") == true)
    }

    @Test func unknownPreTokenizer() throws {
        let e = try failure([("tokenizer.ggml.model", .string("gpt2")), ("tokenizer.ggml.pre", .string("mystery-bpe")),
                             ("tokenizer.ggml.tokens", tokens), ("tokenizer.ggml.merges", .array(.string(["a b"])))])
        #expect(e == .unknownPreTokenizer("mystery-bpe"))
        #expect(e?.description.contains("'mystery-bpe'") == true)
        #expect(e?.description.contains("qwen2") == true)
    }

    @Test func missingAndMalformedFields() throws {
        #expect(try failure([("tokenizer.ggml.model", .string("llama"))]) == .missingField("tokenizer.ggml.tokens"))
        #expect(try failure([("tokenizer.ggml.tokens", tokens)]) == .missingField("tokenizer.ggml.model"))
        #expect(try failure([("tokenizer.ggml.model", .string("gpt2")), ("tokenizer.ggml.pre", .string("qwen2")),
                             ("tokenizer.ggml.tokens", tokens)]) == .missingField("tokenizer.ggml.merges"))
        let notStrings = try failure([("tokenizer.ggml.model", .string("llama")),
                                      ("tokenizer.ggml.tokens", .array(.int32([1, 2, 3])))])
        #expect(notStrings == .invalidField("tokenizer.ggml.tokens", reason: "not an array of strings"))
        let shortScores = try failure([("tokenizer.ggml.model", .string("llama")), ("tokenizer.ggml.tokens", tokens),
                                       ("tokenizer.ggml.scores", .array(.float32([0, 0])))])
        #expect(shortScores == .invalidField("tokenizer.ggml.scores", reason: "2 entries for 4 tokens"))
        let duplicate = try failure([("tokenizer.ggml.model", .string("llama")),
                                     ("tokenizer.ggml.tokens", .array(.string(["<unk>", "a", "a"])))])
        #expect(duplicate == .duplicateToken(text: "a", firstID: 1, secondID: 2))
        let noBOS = try failure([("tokenizer.ggml.model", .string("gpt2")), ("tokenizer.ggml.tokens", tokens),
                                 ("tokenizer.ggml.merges", .array(.string(["a b"]))),
                                 ("tokenizer.ggml.add_bos_token", .bool(true))])
        #expect(noBOS == .missingSpecialToken(flag: "tokenizer.ggml.add_bos_token", idField: "tokenizer.ggml.bos_token_id"))
    }

    @Test func notAGGUFFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-not-gguf-\(UUID().uuidString)").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: TokenizerError.self) { try Tokenizer(path: path) }
    }

    @Test func minimalFilesLoad() throws {
        let path = try gguf([("tokenizer.ggml.model", .string("llama")), ("tokenizer.ggml.tokens", tokens),
                             ("tokenizer.ggml.add_space_prefix", .bool(false))])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tok = try Tokenizer(path: path)
        // llama.cpp's SentencePiece defaults: BOS 1 (here "a"), EOS 2, UNK 0, add BOS.
        #expect(tok.bos == 1 && tok.eos == 2 && tok.unknown == 0 && tok.addsBOS && !tok.addsEOS)
        #expect(tok.encode("ab", addSpecial: false) == [3])
        // No byte tokens in this vocabulary: unknown characters become <unk> (llama.cpp aborts).
        #expect(tok.encode("c", addSpecial: false) == [0])
        #expect(tok.encode("") == [1])
        #expect(tok.encode("", addSpecial: false) == [])
    }
}
