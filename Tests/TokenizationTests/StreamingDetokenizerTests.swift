import Testing
@testable import Tokenization

@Suite struct StreamingDetokenizerTests {
    /// Pushes `ids` one at a time; checks that no chunk holds a replacement character the full
    /// decode does not have, and that the chunks add up to `decode`.
    func checkStream(_ tok: Tokenizer, _ ids: [Int], renderSpecial: Bool = false,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        var stream = StreamingDetokenizer(tokenizer: tok, renderSpecial: renderSpecial)
        var chunks = ids.map { stream.push($0) }
        chunks.append(stream.flush())
        let whole = tok.decode(ids, renderSpecial: renderSpecial)
        #expect(chunks.joined() == whole, sourceLocation: sourceLocation)
        if !whole.unicodeScalars.contains("\u{FFFD}") {
            #expect(!chunks.contains { $0.unicodeScalars.contains("\u{FFFD}") }, sourceLocation: sourceLocation)
        }
    }

    @Test func bytesOfOneCharacterWaitForTheLast() throws {
        let tok = try Tokenizer(vocabulary: ToyVocabularies.sentencePiece())
        let emoji = Array("😀".utf8).map { 3 + Int($0) }  // four <0xXX> tokens
        var stream = StreamingDetokenizer(tokenizer: tok)
        #expect(emoji.dropLast().map { stream.push($0) } == ["", "", ""])
        #expect(stream.push(emoji[3]) == "😀")
        #expect(stream.flush() == "")
        // A sequence that never completes comes out as U+FFFD at the end, as decode gives it.
        checkStream(tok, Array(emoji.prefix(2)))
        checkStream(tok, [emoji[0], tok.tokenID(of: "a")!, emoji[1], emoji[2]])
        checkStream(tok, [3 + 0x80, 3 + 0xFF, 3 + 0xC0, tok.tokenID(of: "a")!])
    }

    @Test func stripsTheSpacePrefixOnce() throws {
        let tok = try Tokenizer(vocabulary: ToyVocabularies.sentencePiece(addSpacePrefix: true))
        let ab = tok.tokenID(of: "▁ab")!
        checkStream(tok, [ab, ab, ab])
        checkStream(tok, [1, ab], renderSpecial: true)
    }

    @Test func cleanSpacesVocabularies() throws {
        let tok = try Tokenizer(vocabulary: ToyVocabularies.bytePair())  // gpt-2 cleans spaces
        for text in ["a , b . c ' d 's 'm ab", "a ' ", " ' ' ' '", "abc ab a ?", "x 've y 're", "ab ' ab 's , ab . ab",
                     String(repeating: "abc ' ab , ", count: 50), String(repeating: " ", count: 100) + "ab ."] {
            checkStream(tok, tok.encode(text))
            // Byte by byte, so that cuts fall everywhere.
            checkStream(tok, Array(text.utf8).map(Int.init))
        }
    }

    /// SmolLM2's 49k vocabulary spells most CJK and emoji as separate bytes.
    @Test(.enabled(if: TestModels.enabled("smollm2-135m"))) func smollm2SplitCharacters() throws {
        guard let tok = try TestModels.tokenizer("smollm2-135m") else { return }
        let texts = ["人工智能是计算机科学的一个分支", "こんにちは世界 안녕하세요", "emoji 😀👍🏽 🇫🇷 👨‍👩‍👧‍👦 🏳️‍🌈",
                     "混合 text 与 emoji 🤖🦙 and 数字 123", "Ωμέγα Привет مرحبا नमस्ते"]
        for text in texts {
            let ids = tok.encode(text)
            #expect(ids.contains { String(validating: tok.piece($0), as: UTF8.self) == nil })
            checkStream(tok, ids)
            #expect(tok.decode(ids) == text)
        }
        let (_, records) = try TestModels.jsonLines("tokenizer/smollm2-135m.jsonl", ParityTests.Header.self,
                                                     ParityTests.Record.self)
        for r in records where r.t.unicodeScalars.contains(where: { $0.value >= 0x2E80 }) {
            checkStream(tok, r.ids)
            checkStream(tok, r.sp ?? r.ids, renderSpecial: true)
        }
    }

    @Test(.enabled(if: TestModels.enabled("gemma3-270m"))) func gemmaByteFallback() throws {
        guard let tok = try TestModels.tokenizer("gemma3-270m") else { return }
        for text in ["\u{1C89}\u{10D40} rare", "🫠🥲 \u{E000}", "a\u{0301}\u{20DD}"] {
            checkStream(tok, tok.encode(text))
        }
    }
}
