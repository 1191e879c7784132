import Foundation
import ModelFiles
import Testing
@testable import Tokenization

/// ~2,900 varied strings per model, tokenized by llama.cpp (scripts/fixtures/make_tokenizer_parity.py):
/// ids without and with parse_special, llama_detokenize of both, and every token attribute
/// llama.cpp's text rules change.
@Suite struct ParityTests {
    struct Header: Decodable {
        var n_vocab: Int, bos: Int, eos: Int, add_bos: Bool, eog: [Int]
        /// The pre-tokenizer the vocabulary was relabelled with, if any.
        var pre: String?
        /// [id, llama_token_attr] for tokens whose attributes differ from their GGUF type's.
        var attrs: [[Int]]
    }

    struct Record: Decodable {
        var t: String, ids: [Int], sp: [Int]?
        /// Detokenized ids / parse-special ids (rendering specials), when not equal to `t`;
        /// the `x` forms hold hex bytes that are not valid UTF-8.
        var d: String?, dx: String?, ds: String?, dsx: String?

        func expected(_ text: String?, _ hex: String?) -> [UInt8] {
            if let text { return Array(text.utf8) }
            if let hex { return bytes(fromHex: hex) }
            return Array(t.utf8)
        }
    }

    func check(_ model: String, fixture: String? = nil) throws {
        guard let tok = try TestModels.tokenizer(model) else { return }
        try check(tok, model: model, fixture: fixture ?? model)
    }

    /// SmolLM2's vocabulary labelled with another pre-tokenizer, against llama.cpp on the same relabelling.
    func checkRelabelled(_ pre: String) throws {
        guard let path = ModelCatalog.installedPath("smollm2-135m") else {
            Issue.record("model 'smollm2-135m' is not installed (TERN_REQUIRE_MODELS=1)")
            return
        }
        var vocabulary = try Vocabulary(gguf: GGUFFile(path: path))
        vocabulary.preTokenizer = pre
        try check(try Tokenizer(vocabulary: vocabulary), model: "smollm2-135m", fixture: "smollm2-135m.\(pre)")
    }

    func check(_ tok: Tokenizer, model: String, fixture: String) throws {
        let (header, records) = try TestModels.jsonLines("tokenizer/\(fixture).jsonl", Header.self, Record.self)
        #expect(records.count > (header.pre == nil ? 2_000 : 900))
        #expect(tok.vocabularySize == header.n_vocab)
        #expect(tok.bos == header.bos)
        #expect(tok.eos == header.eos)
        #expect(tok.addsBOS == header.add_bos)
        #expect(tok.endOfGenerationTokens == Set(header.eog))
        try checkAttributes(tok, model, header.attrs)

        let bosPrefix = tok.addsBOS ? [try #require(tok.bos)] : []
        var failures = 0
        for r in records {
            let special = r.sp ?? r.ids
            let got = tok.encode(r.t, addSpecial: false)
            let gotSpecial = tok.encode(r.t, addSpecial: false, parseSpecial: true)
            let gotAdded = tok.encode(r.t, addSpecial: true)
            let decodeOK = tok.decodedBytes(r.ids) == r.expected(r.d, r.dx)
            let decodeSpecialOK = tok.decodedBytes(special, renderSpecial: true) == r.expected(r.ds, r.dsx)
            if got == r.ids && gotSpecial == special && gotAdded == bosPrefix + r.ids && decodeOK && decodeSpecialOK {
                continue
            }
            failures += 1
            if failures <= 10 {
                Issue.record("""
                    \(fixture): \(r.t.debugDescription)
                      ids \(r.ids)
                      got \(got)
                      sp  \(special)
                      got \(gotSpecial)
                      decode ok: \(decodeOK), with specials: \(decodeSpecialOK)
                    """)
            }
        }
        #expect(failures == 0, "\(fixture): \(failures) of \(records.count) strings differ from llama.cpp")
    }

    /// Every token's attributes equal llama_vocab_get_attr.
    private func checkAttributes(_ tok: Tokenizer, _ model: String, _ changed: [[Int]]) throws {
        let path = try #require(ModelCatalog.installedPath(model))
        let types = try Vocabulary(gguf: GGUFFile(path: path)).tokenTypes
        var expected = [Int: UInt16]()
        for pair in changed { expected[pair[0]] = UInt16(pair[1]) }
        var mismatches = [String]()
        for id in 0..<tok.vocabularySize {
            let want = expected[id] ?? TokenAttributes(types[id]).rawValue
            if tok.attributes(of: id).rawValue != want {
                mismatches.append("\(id) \(tok.tokenText(id) ?? ""): \(tok.attributes(of: id).rawValue) vs \(want)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) attribute mismatches: \(mismatches.prefix(10))")
    }

    @Test(.enabled(if: TestModels.enabled("smollm2-135m"))) func smollm2() throws { try check("smollm2-135m") }
    @Test(.enabled(if: TestModels.enabled("gemma3-270m"))) func gemma3() throws { try check("gemma3-270m") }
    @Test(.enabled(if: TestModels.enabled("qwen2.5-0.5b"))) func qwen05() throws { try check("qwen2.5-0.5b") }
    /// Qwen2.5-Coder 1.5B ships the same vocabulary as 0.5B: same fixture, same results.
    @Test(.enabled(if: TestModels.enabled("qwen2.5-1.5b"))) func qwen15() throws {
        try check("qwen2.5-1.5b", fixture: "qwen2.5-0.5b")
    }

    @Test(.enabled(if: TestModels.enabled("smollm2-135m"))) func gpt2Pattern() throws { try checkRelabelled("gpt-2") }
    @Test(.enabled(if: TestModels.enabled("smollm2-135m"))) func llama3Pattern() throws { try checkRelabelled("llama-bpe") }
    @Test(.enabled(if: TestModels.enabled("smollm2-135m"))) func defaultPattern() throws { try checkRelabelled("default") }
}
