import Testing
@testable import Tokenization

/// Hand-made WordPiece cases on a toy vocabulary; the parity with HF on the real MiniLM
/// vocabulary is in ArchitecturesTests/BERTEmbeddingTests.swift.
@Suite struct WordPieceTests {
    static let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[",  "]", "mask", "un", "##aff", "##able", "aff", "able", "cafe",
                             "!", ",", ".", "$", "+", "^", "hello", "world", "中", "国", "##s", "a", "##b", "##c",
                             "—", "x"]

    static func make(_ configure: (inout WordPieceConfig) -> Void = { _ in }) throws -> WordPieceTokenizer {
        var c = WordPieceConfig()
        configure(&c)
        return try WordPieceTokenizer(tokens: vocabulary, config: c)
    }

    static func ids(_ words: [String]) -> [Int] { words.map { vocabulary.firstIndex(of: $0)! } }

    @Test func greedyLongestMatchFirst() throws {
        let t = try Self.make()
        #expect(t.encode("unaffable") == Self.ids(["[CLS]", "un", "##aff", "##able", "[SEP]"]))
        #expect(t.encode("UNAffABLE") == Self.ids(["[CLS]", "un", "##aff", "##able", "[SEP]"]))
        // "abc" = a ##b ##c; "abd" has no spelling for "d": the whole word is [UNK].
        #expect(t.encodeWithoutSpecialTokens("abc abd") == Self.ids(["a", "##b", "##c", "[UNK]"]))
    }

    @Test func punctuationByBERTRule() throws {
        let t = try Self.make()
        // ASCII symbols $ + ^ are punctuation for BERT although Unicode calls them symbols; — is Pd.
        #expect(t.encodeWithoutSpecialTokens("hello,world!$+^—x") ==
                Self.ids(["hello", ",", "world", "!", "$", "+", "^", "—", "x"]))
    }

    @Test func accentsAndChineseAndControls() throws {
        let t = try Self.make()
        #expect(t.encodeWithoutSpecialTokens("Café") == Self.ids(["cafe"]))
        #expect(t.encodeWithoutSpecialTokens("Cafe\u{301}") == Self.ids(["cafe"]))
        #expect(t.encodeWithoutSpecialTokens("hello中国world") == Self.ids(["hello", "中", "国", "world"]))
        // NUL, U+FFFD, a format character and a control are removed; tabs and NBSP split.
        #expect(t.encodeWithoutSpecialTokens("he\u{0}l\u{FFFD}l\u{200B}o\u{7}\tworld\u{A0}x") == Self.ids(["hello", "world", "x"]))
        let cased = try Self.make { $0.lowercase = false }
        // Cased (accents then kept too): "Café" is not in the vocabulary, "cafe" is.
        #expect(cased.encodeWithoutSpecialTokens("Café cafe") == Self.ids(["[UNK]", "cafe"]))
        let noChinese = try Self.make { $0.handleChineseCharacters = false }
        #expect(noChinese.encodeWithoutSpecialTokens("中国") == Self.ids(["[UNK]"]))
    }

    @Test func longWordsAndTruncation() throws {
        let t = try Self.make()
        let long = "a" + String(repeating: "b", count: 99)
        #expect(t.encodeWithoutSpecialTokens(long) == Self.ids(["a"] + Array(repeating: "##b", count: 99)))  // 100: spelled
        #expect(t.encodeWithoutSpecialTokens(long + "b") == Self.ids(["[UNK]"]))  // 101 code points: [UNK]
        let short = try Self.make { $0.maxSequenceLength = 5 }
        #expect(short.encode("un aff able hello world") == Self.ids(["[CLS]", "un", "aff", "able", "[SEP]"]))
        // A word cut by the limit keeps its first pieces, as HF truncation does.
        #expect(short.encode("hello unaffable") == Self.ids(["[CLS]", "hello", "un", "##aff", "[SEP]"]))
        #expect(t.encode("") == Self.ids(["[CLS]", "[SEP]"]))
        #expect(t.encode("  \n\t ") == Self.ids(["[CLS]", "[SEP]"]))
    }

    /// HF matches added tokens in the raw text, before normalization, case-sensitively.
    @Test func specialTokensInText() throws {
        let t = try Self.make()
        #expect(t.encodeWithoutSpecialTokens("hello[MASK]world") == Self.ids(["hello", "[MASK]", "world"]))
        #expect(t.encodeWithoutSpecialTokens("x [CLS][SEP]") == Self.ids(["x", "[CLS]", "[SEP]"]))
        #expect(t.encodeWithoutSpecialTokens("[mask] [MASK") == Self.ids(["[", "mask", "]", "[", "mask"]))
        let none = try Self.make { $0.specialTokens = [] }
        #expect(none.encodeWithoutSpecialTokens("[MASK]") == Self.ids(["[", "mask", "]"]))
    }

    /// Texts longer than a normalization chunk (64 KiB): words across the cut stay whole, and
    /// a huge text or word costs no more than its output.
    @Test func longTexts() throws {
        let t = try Self.make { $0.maxSequenceLength = 1_000_000 }
        let pad = String(repeating: "x ", count: 32_767) + " "   // 65,535 bytes: the cut falls in the next word
        #expect(t.encodeWithoutSpecialTokens(pad + "unaffable").suffix(3) == ArraySlice(Self.ids(["un", "##aff", "##able"])))
        #expect(t.encodeWithoutSpecialTokens(pad + "Cafe\u{301}").last == Self.ids(["cafe"])[0])
        // A cut never separates a base from its marks: "é" as e + U+0301 straddling 64 KiB.
        let marks = String(repeating: "x ", count: 32_766) + "caf" + "e\u{301}\u{301}\u{301}"
        #expect(t.encodeWithoutSpecialTokens(marks).last == Self.ids(["cafe"])[0])
        let huge = String(repeating: "é", count: 3_000_000) + " hello"
        #expect(t.encodeWithoutSpecialTokens(huge) == Self.ids(["[UNK]", "hello"]))
        let short = try Self.make()
        #expect(short.encode(String(repeating: "hello ", count: 2_000_000)).count == 256)
    }

    @Test func strangeInputDoesNotCrash() throws {
        let t = try Self.make()
        let text = "\u{10FFFF}\u{E000}🙂İ\u{0345}ǅ" + String(repeating: "\u{301}", count: 500) + "x"
        let ids = t.encode(text)
        #expect(ids.first == Self.ids(["[CLS]"])[0] && ids.last == Self.ids(["[SEP]"])[0])
        // Unassigned code points are kept (HF): a word of their own is [UNK]; private use is removed.
        #expect(t.encodeWithoutSpecialTokens("\u{378} x\u{E000}") == Self.ids(["[UNK]", "x"]))
        #expect(ids.allSatisfy { $0 >= 0 && $0 < Self.vocabulary.count })
    }

    @Test func badVocabularies() {
        #expect(throws: TokenizerError.self) { try WordPieceTokenizer(tokens: ["a", "b"]) }
        #expect(throws: TokenizerError.self) { try WordPieceTokenizer(tokens: ["[UNK]", "[CLS]", "[SEP]", "a", "a"]) }
        var c = WordPieceConfig()
        c.maxSequenceLength = 1
        #expect(throws: TokenizerError.self) { try WordPieceTokenizer(tokens: ["[UNK]", "[CLS]", "[SEP]"], config: c) }
    }
}
