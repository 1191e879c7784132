import Testing
@testable import Tokenization

/// The algorithms on vocabularies small enough to check by hand.
@Suite struct ToyVocabularyTests {
    @Test func sentencePieceMergesByScore() throws {
        let tok = try Tokenizer(vocabulary: ToyVocabularies.sentencePiece())
        let id = { (t: String) in tok.tokenID(of: t)! }
        // "abc": bc (−1) beats ab (−3), then a + bc = abc; "cab": only ab can merge.
        #expect(tok.encode("abc", addSpecial: false) == [id("abc")])
        #expect(tok.encode("cab", addSpecial: false) == [id("c"), id("ab")])
        // " ab": ▁ a b → ▁a? candidates ▁a (−4), ab (−3): ab first, then ▁ + ab = ▁ab (−5).
        #expect(tok.encode(" ab", addSpecial: false) == [id("▁ab")])
        // Unknown characters fall back to their UTF-8 bytes.
        #expect(tok.encode("é", addSpecial: false) == [3 + 0xC3, 3 + 0xA9])
        #expect(tok.encode("a", addSpecial: true) == [1, id("a")])
        #expect(tok.decode([1, id("▁ab"), 3 + 0xC3, 3 + 0xA9]) == " abé")
        #expect(tok.decode([1, id("a")], renderSpecial: true) == "<s>a")
    }

    @Test func sentencePieceSpecialTokens() throws {
        let tok = try Tokenizer(vocabulary: ToyVocabularies.sentencePiece())
        let sot = tok.tokenID(of: "<start_of_turn>")!, nl = tok.tokenID(of: "\n")!
        // User-defined "\n" is always cut out; the control token only when parsing specials.
        #expect(tok.encode("a\nb", addSpecial: false) == [tok.tokenID(of: "a")!, nl, tok.tokenID(of: "b")!])
        #expect(tok.encode("<start_of_turn>", addSpecial: false, parseSpecial: true) == [sot])
        #expect(!tok.encode("<start_of_turn>", addSpecial: false).contains(sot))
        #expect(tok.decode([sot, nl]) == "\n")
        #expect(tok.decode([sot, nl], renderSpecial: true) == "<start_of_turn>\n")
    }

    @Test func sentencePieceSpacePrefix() throws {
        let tok = try Tokenizer(vocabulary: ToyVocabularies.sentencePiece(addSpacePrefix: true))
        let id = { (t: String) in tok.tokenID(of: t)! }
        // A space goes before the first fragment and after every special token; decode drops the first.
        #expect(tok.encode("ab", addSpecial: false) == [id("▁ab")])
        #expect(tok.encode("ab", addSpecial: true) == [1, id("▁ab")])
        #expect(tok.decode([id("▁ab")]) == "ab")
        #expect(tok.decode([id("▁ab"), id("▁ab")]) == "ab ab")
    }

    @Test func bytePairMergesByRank() throws {
        let tok = try Tokenizer(vocabulary: ToyVocabularies.bytePair())
        #expect(tok.encode("abc ab a") == [257, 259, 258])
        #expect(tok.encode("abcab") == [257, 256])
        #expect(tok.encode("<|endoftext|>", parseSpecial: true) == [260])
        #expect(tok.encode("<|endoftext|>").count == 13)
        #expect(tok.decode([257, 259, 258]) == "abc ab a")
        #expect(tok.decode([260]) == "")
        #expect(tok.decode([260], renderSpecial: true) == "<|endoftext|>")
        #expect(tok.endOfGenerationTokens == [260])
        #expect(tok.mergeCount == 4)
    }

    @Test func cleanSpacesFollowsLlamaCpp() {
        func clean(_ s: String) -> String {
            String(decoding: Tokenizer.removingTokenizationSpaces(Array(s.utf8)), as: UTF8.self)
        }
        #expect(clean("Hello , world !") == "Hello, world!")
        #expect(clean("a ' b") == "a'b")
        #expect(clean("it 's I 'm we 're they 've") == "it's I'm we're they've")
        #expect(clean("don 't I 'd we 'll") == "don 't I 'd we 'll")
        #expect(clean("") == "")
        #expect(clean(" ") == " ")
        #expect(clean(" ' ' ") == "'' ")
    }

    @Test func piecesAndLookups() throws {
        let tok = try Tokenizer(vocabulary: ToyVocabularies.bytePair())
        #expect(tok.piece(259) == Array(" ab".utf8))
        #expect(tok.piece(260, renderSpecial: false) == [])
        #expect(tok.piece(-1) == [] && tok.piece(10_000) == [])
        #expect(tok.tokenText(259) == "Ġab")
        #expect(tok.tokenID(of: "Ġab") == 259 && tok.tokenID(of: " ab") == nil)
        #expect(tok.attributes(of: 260) == .control)
        #expect(tok.algorithm == .bytePairEncoding(.gpt2))
        #expect(tok.decode([-5, 97, 99_999]) == "a")  // ids out of range are skipped
    }
}
