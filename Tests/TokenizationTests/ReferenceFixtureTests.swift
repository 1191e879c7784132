import Foundation
import Testing
@testable import Tokenization

/// The tokenizer parts of the llama.cpp reference fixtures (Tests/Fixtures/inference/*.json):
/// the 12 tricky strings in three modes, every prompt's token ids (chat prompts rendered and
/// tokenized with parse_special), the vocabulary facts, and each token's piece.
@Suite struct ReferenceFixtureTests {
    func check(_ model: String) throws {
        guard let tok = try TestModels.tokenizer(model), let name = TestModels.inferenceFixture[model] else { return }
        let fixture = try TestModels.json("inference/\(name).json")

        let vocab = try #require(fixture["vocab"] as? [String: Any])
        #expect(tok.vocabularySize == vocab["n_vocab"] as? Int)
        #expect(tok.bos == vocab["bos"] as? Int)
        #expect(tok.eos == vocab["eos"] as? Int)
        #expect(tok.addsBOS == vocab["add_bos"] as? Bool)
        #expect(tok.addsEOS == vocab["add_eos"] as? Bool)
        #expect(tok.endOfGenerationTokens == Set(try #require(vocab.ints("eog_ids_below_vocab"))))

        let cases = try #require(fixture["tokenizer_cases"] as? [[String: Any]])
        #expect(cases.count == 12)
        for c in cases {
            let text = try #require(c.string("text"))
            #expect(tok.encode(text, addSpecial: false) == c.ints("ids"), "\(model): \(text.debugDescription)")
            #expect(tok.encode(text, addSpecial: false, parseSpecial: true) == c.ints("ids_parse_special"),
                    "\(model) parse_special: \(text.debugDescription)")
            #expect(tok.encode(text, addSpecial: true) == c.ints("ids_add_special"), "\(model) add_special: \(text.debugDescription)")
            let ids = try #require(c.ints("ids"))
            let pieces = try #require(c["pieces"] as? [String])
            #expect(ids.map { backslashReplaced(tok.piece($0)) } == pieces, "\(model) pieces: \(text.debugDescription)")
            #expect((tok.decode(ids) == text) == (c["roundtrip_ok"] as? Bool), "\(model) round trip: \(text.debugDescription)")
        }

        let prompts = try #require(fixture["prompts"] as? [[String: Any]])
        for p in prompts {
            let text = try #require(p.string("prompt_text"))
            let expected = try #require(p.ints("prompt_token_ids"))
            let got = p.string("kind") == "chat"
                ? tok.encode(text, addSpecial: false, parseSpecial: true)
                : tok.encode(text, addSpecial: true, parseSpecial: false)
            #expect(got == expected, "\(model) prompt \(p.string("id") ?? "?")")
            let pieces = try #require(p["prompt_pieces"] as? [String])
            #expect(expected.map { backslashReplaced(tok.piece($0)) } == pieces)
        }
    }

    @Test(.enabled(if: TestModels.enabled("smollm2-135m"))) func smollm2() throws { try check("smollm2-135m") }
    @Test(.enabled(if: TestModels.enabled("gemma3-270m"))) func gemma3() throws { try check("gemma3-270m") }
    @Test(.enabled(if: TestModels.enabled("qwen2.5-0.5b"))) func qwen05() throws { try check("qwen2.5-0.5b") }
    @Test(.enabled(if: TestModels.enabled("qwen2.5-1.5b"))) func qwen15() throws { try check("qwen2.5-1.5b") }
}

/// Bytes as Python's `bytes.decode("utf-8", "backslashreplace")` shows them (how the fixture
/// script printed pieces that are partial UTF-8).
func backslashReplaced(_ b: [UInt8]) -> String {
    var out = ""
    var i = 0
    while i < b.count {
        let n = b[i] < 0x80 ? 1 : b[i] >= 0xF0 ? 4 : b[i] >= 0xE0 ? 3 : b[i] >= 0xC2 ? 2 : 0
        if n > 0, i + n <= b.count, let s = String(validating: b[i..<i + n], as: UTF8.self) {
            out += s
            i += n
        } else {
            out += "\\x" + (b[i] < 16 ? "0" : "") + String(b[i], radix: 16)
            i += 1
        }
    }
    return out
}
