import Foundation
import ModelFiles
import Testing
@testable import Tokenization

/// Empty, huge and pathological inputs: no crash, linear-ish time, lossless round trips.
@Suite struct LargeInputTests {
    static let models = ["smollm2-135m", "gemma3-270m", "qwen2.5-0.5b"]

    /// About 1 MB of mixed text: prose, code, CJK, emoji, whitespace runs, special-token text.
    static let megabyte: String = {
        let parts = ["The quick brown fox jumps over the lazy dog, doesn't it? ", "人工智能是计算机科学的一个分支。",
                     "func f(_ x: Int) -> Int {\n    return x * 2  // double\n}\n", "emoji 😀👍🏽 🇫🇷 ",
                     "    \n\n\t\t  ", "<|im_start|>user\nhi<|im_end|>", "<start_of_turn>", "1234567890 3.14 ",
                     "naïve café Zürich Привет мир ", "<table><tr><td>x</td></tr></table>"]
        var s = ""
        var i = 0
        while s.utf8.count < 1 << 20 { s += parts[i % parts.count]; i = (i * 31 + 7) % 1_000_003 }
        return s
    }()

    func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    func checkLarge(_ model: String) throws {
        guard let tok = try TestModels.tokenizer(model) else { return }
        #expect(tok.encode("", addSpecial: false) == [])
        #expect(tok.encode("", addSpecial: false, parseSpecial: true) == [])
        #expect(tok.encode("") == (tok.addsBOS ? [tok.bos!] : []))
        #expect(tok.decode([]) == "")

        var ids = [Int]()
        let seconds = time { ids = tok.encode(Self.megabyte, addSpecial: false) }
        #expect(seconds < 20, "\(model): 1 MB took \(seconds) s")
        #expect(tok.decode(ids) == Self.megabyte)
        let withSpecials = tok.encode(Self.megabyte, addSpecial: false, parseSpecial: true)
        #expect(withSpecials.count < ids.count)
        #expect(tok.decode(withSpecials, renderSpecial: true) == Self.megabyte)

        // One 256 KiB word, one 256 KiB run of spaces, of newlines, and of one CJK character.
        for unit in ["a", " ", "\n", "人", "😀", "ab1"] {
            let text = String(repeating: unit, count: (1 << 18) / unit.utf8.count)
            var out = [Int]()
            let s = time { out = tok.encode(text, addSpecial: false) }
            #expect(s < 10, "\(model): \(unit.debugDescription) × \(text.utf8.count / unit.utf8.count) took \(s) s")
            #expect(tok.decode(out) == text)
        }
    }

    @Test(.enabled(if: TestModels.enabled("smollm2-135m"))) func smollm2() throws { try checkLarge("smollm2-135m") }
    @Test(.enabled(if: TestModels.enabled("gemma3-270m"))) func gemma3() throws { try checkLarge("gemma3-270m") }
    @Test(.enabled(if: TestModels.enabled("qwen2.5-0.5b"))) func qwen05() throws { try checkLarge("qwen2.5-0.5b") }

    /// Gemma's 262,144-token vocabulary loads in ~0.25 s on the development machine (file parse +
    /// tokenizer build); the bound only catches a gross regression on a busy machine.
    @Test(.enabled(if: TestModels.enabled("gemma3-270m"))) func gemmaLoadTime() throws {
        guard let path = ModelCatalog.installedPath("gemma3-270m") else {
            Issue.record("model 'gemma3-270m' is not installed (TERN_REQUIRE_MODELS=1)")
            return
        }
        var tok: Tokenizer?
        let seconds = try time { tok = try Tokenizer(path: path) }
        #expect(tok?.vocabularySize == 262_144)
        #expect(seconds < 3, "loading Gemma's tokenizer took \(seconds) s")
    }

    @Test func toyVocabularies() throws {
        for v in [ToyVocabularies.sentencePiece(), ToyVocabularies.bytePair()] {
            let tok = try Tokenizer(vocabulary: v)
            let text = String(repeating: "abc ab\n人😀 ", count: 20_000)
            #expect(tok.decode(tok.encode(text, addSpecial: false)) == text)
        }
    }
}
