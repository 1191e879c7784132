import Foundation
import Testing
@testable import Tokenization

/// What Tern does not run is refused when reading, with the JSON path that holds it (and the file).
@Suite struct HFTokenizerJSONErrorTests {
    /// A small tokenizer.json with the given top-level fields replaced (values are JSON text).
    static func json(_ fields: [String: String] = [:], model: [String: String] = [:]) -> String {
        var m: [String: String] = ["type": "\"BPE\"", "vocab": "{\"a\": 0, \"b\": 1, \"ab\": 2, \"<unk>\": 3}",
                                   "merges": "[\"a b\"]"]
        m.merge(model) { $1 }
        var f: [String: String] = ["version": "\"1.0\"", "added_tokens": "[]", "normalizer": "null",
                                   "pre_tokenizer": "null", "post_processor": "null", "decoder": "null"]
        f.merge(fields) { $1 }
        f["model"] = "{" + m.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
        return "{" + f.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
    }

    func failure(_ text: String) -> TokenizerError? {
        do {
            _ = try Tokenizer(pipeline: TokenizerPipeline(json: text))
            return nil
        } catch {
            return error
        }
    }

    func unsupportedPath(_ text: String) -> String? {
        if case .unsupported(let path, _)? = failure(text) { return path }
        return nil
    }

    @Test func unsupportedComponentsNameTheirPath() {
        #expect(unsupportedPath(Self.json(["normalizer": #"{"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "BertNormalizer"}]}"#]))
                == "normalizer.normalizers[1].type")
        #expect(unsupportedPath(Self.json(["pre_tokenizer": #"{"type": "UnicodeScripts"}"#])) == "pre_tokenizer.type")
        #expect(unsupportedPath(Self.json(["pre_tokenizer": #"{"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": "\\p{L}+"}, "behavior": "Isolated", "invert": false}]}"#]))
                == "pre_tokenizer.pretokenizers[0].pattern.Regex")
        #expect(unsupportedPath(Self.json(["pre_tokenizer": #"{"type": "Sequence", "pretokenizers": [{"type": "ByteLevel", "add_prefix_space": false, "use_regex": true}, {"type": "Digits", "individual_digits": true}]}"#]))
                == "pre_tokenizer.pretokenizers[0]")
        #expect(unsupportedPath(Self.json(["decoder": #"{"type": "Sequence", "decoders": [{"type": "ByteFallback"}, {"type": "CTC"}]}"#]))
                == "decoder.decoders[1].type")
        #expect(unsupportedPath(Self.json(["post_processor": #"{"type": "Mystery"}"#])) == "post_processor.type")
        #expect(unsupportedPath(Self.json(["normalizer": #"{"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "}"#]))
                == "normalizer.pattern.Regex")
        #expect(unsupportedPath(Self.json(model: ["type": "\"WordPiece\""])) == "model.type")
        #expect(unsupportedPath(Self.json(model: ["dropout": "0.1"])) == "model.dropout")
        let llama3 = PreTokenizer.regexTexts.first { $0.1 == .llama3 }!.0.replacingOccurrences(of: "\\", with: "\\\\")
        #expect(unsupportedPath(Self.json(["pre_tokenizer": #"{"type": "Split", "pattern": {"Regex": "\#(llama3)"}, "behavior": "Removed", "invert": false}"#]))
                == "pre_tokenizer.behavior")
    }

    @Test func theMessageSaysWhatAndWhere() {
        let e = failure(Self.json(["pre_tokenizer": #"{"type": "Split", "pattern": {"Regex": "\\w+"}, "behavior": "Isolated", "invert": false}"#]))
        let text = e?.description ?? ""
        #expect(text.contains("pre_tokenizer.pattern.Regex") && text.contains(#""\\w+""#), "\(text)")
    }

    @Test func invalidFieldsAreNamed() {
        #expect(failure(Self.json(model: ["merges": "[\"a c\"]"])) == .invalidField("model.merges[0]", reason: "\"a\" + \"c\": a part or the merged text is not in model.vocab"))
        #expect(failure(Self.json(model: ["merges": "[\"a b c\"]"])) == .invalidField("model.merges[0]", reason: "\"a b c\" is not \"left right\""))
        #expect(failure(Self.json(model: ["unk_token": "\"<missing>\""])) == .invalidField("model.unk_token", reason: "\"<missing>\" is not in model.vocab"))
        #expect(failure(Self.json(["decoder": #"{"type": "Metaspace", "replacement": "▁", "add_prefix_space": false}"#]))
                == .invalidField("decoder.add_prefix_space", reason: "false does not match prepend_scheme always"))
        #expect(failure(Self.json(["post_processor": #"{"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}], "special_tokens": {}}"#]))
                == .invalidField("post_processor.special_tokens", reason: "no entry for \"<s>\""))
        #expect(failure("{\"model\": ") == .invalidField("tokenizer.json", reason: "not valid JSON: unexpected end at byte 10"))
    }

    @Test func fileErrorsNameTheFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-bad-\(UUID().uuidString).json").path
        try Self.json(["normalizer": #"{"type": "Precompiled", "precompiled_charsmap": ""}"#]).write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: TokenizerError.inFile(path, .unsupported(path: "normalizer.type", reason: "normalizer Precompiled (supported: NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Replace, Prepend, Sequence)"))) {
            try Tokenizer(tokenizerJSON: path)
        }
        #expect(throws: TokenizerError.self) { try Tokenizer(tokenizerJSON: path + ".missing") }
    }

    /// The byte-level subset (what a GGUF can carry) names the component it cannot take.
    @Test func theByteLevelSubsetNamesWhatItRefuses() throws {
        let metaspace = Self.json(["pre_tokenizer": #"{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": false}"#])
        #expect(throws: TokenizerError.unsupported(path: "pre_tokenizer", reason: "only ByteLevel with its regex, or a Llama 3 / Qwen2 Split then ByteLevel, without prefix spaces (byte-level subset)")) {
            try TokenizerJSON(json: metaspace)
        }
        _ = try Tokenizer(pipeline: TokenizerPipeline(json: metaspace))  // the pipeline runs it
    }

    /// Added tokens get HF's ids, not the file's: the vocabulary's for a text it has, else the
    /// next past the vocabulary in file order.
    @Test func addedTokensTakeHuggingFaceIDs() throws {
        let p = try TokenizerPipeline(json: Self.json(["added_tokens": """
            [{"id": 9, "content": "ab", "special": true}, {"id": 40, "content": "<x>", "special": false},
             {"id": 41, "content": "<y>", "special": true, "lstrip": true}, {"id": 42, "content": "", "special": true}]
            """]))
        #expect(p.addedTokens.map(\.id) == [2, 4, 5])
        // HF's reader wants every flag; Tern defaults a missing one as HF's AddedToken does
        // (normalized = not special).
        #expect(p.addedTokens.map(\.normalized) == [false, true, false])
        #expect(p.vocabularySize == 6)
    }
}
