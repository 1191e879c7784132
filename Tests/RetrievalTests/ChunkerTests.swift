import Architectures
import Testing
@testable import Retrieval

@Suite struct ChunkerTests {
    let doc = """
        # Install

        Tern builds with Swift. It needs zlib.

        ## On Linux

        Install the packages first. Then build.

        Run the tests.

        # Use

        Call tern.
        """

    @Test func headingsStartChunksAndFormTheirPath() {
        let chunks = StructureChunker(maxCharacters: 60).chunks(of: doc, documentID: "readme")
        #expect(chunks.map(\.text) == ["Tern builds with Swift. It needs zlib.", "Install the packages first. Then build.\n\nRun the tests.", "Call tern."])
        #expect(chunks.map(\.headings) == [["Install"], ["Install", "On Linux"], ["Use"]])
        #expect(chunks.map(\.id) == ["readme#0", "readme#1", "readme#2"])
    }

    @Test func longParagraphsAreCutAtSentencesThenSpaces() {
        let long = (0..<40).map { "Sentence number \($0) is here." }.joined(separator: " ")
        let chunks = StructureChunker(maxCharacters: 100).chunks(of: long, documentID: "d")
        #expect(chunks.allSatisfy { $0.text.count <= 100 && $0.text.hasSuffix(".") })
        #expect(chunks.map(\.text).joined(separator: " ") == long)
        let word = String(repeating: "x", count: 250)
        #expect(StructureChunker(maxCharacters: 100).chunks(of: word, documentID: "d").map(\.text.count) == [100, 100, 50])
    }

    @Test func editingOneParagraphChangesOnlyItsChunk() {
        let chunker = StructureChunker(maxCharacters: 60)
        let before = chunker.chunks(of: doc, documentID: "readme")
        let after = chunker.chunks(of: doc.replacingOccurrences(of: "Call tern.", with: "Call tern twice."), documentID: "readme")
        #expect(zip(before, after).map { $0.contentHash == $1.contentHash } == [true, true, false])
    }

    @Test func tokenWindowsOverlap() {
        let text = (1...10).map { "w\($0)" }.joined(separator: "  ")
        let chunks = TokenWindowChunker(size: 4, overlap: 1).chunks(of: text, documentID: "t")
        #expect(chunks.map(\.text) == ["w1  w2  w3  w4", "w4  w5  w6  w7", "w7  w8  w9  w10"])
        #expect(TokenWindowChunker(size: 4, overlap: 0).chunks(of: "  ", documentID: "t").isEmpty)
    }

    /// Weighted units: windows hold at most `size` tokens of whole words, overlap by the last
    /// words that fit in `overlap`, and a word heavier than a window stands alone.
    @Test func weightedWindowsCountTokensNotWords() {
        let byLength: @Sendable (Substring) -> Int = { $0.count }
        let chunker = TokenWindowChunker(size: 5, overlap: 2, weigh: byLength)
        #expect(chunker.chunks(of: "a bb ccc dddd", documentID: "t").map(\.text) == ["a bb", "bb ccc", "dddd"])
        let tight = TokenWindowChunker(size: 3, overlap: 2, weigh: byLength)
        // "bb" cannot carry over with "ccc" in 3 tokens: no window repeats another's tail.
        #expect(tight.chunks(of: "a bb ccc eeeeee f", documentID: "t").map(\.text) == ["a bb", "ccc", "eeeeee", "f"])
        // Weight 1 per word is the word window.
        let text = (1...10).map { "w\($0)" }.joined(separator: " ")
        #expect(TokenWindowChunker(size: 4, overlap: 1, weigh: { _ in 1 }).chunks(of: text, documentID: "t").map(\.text)
                == TokenWindowChunker(size: 4, overlap: 1).chunks(of: text, documentID: "t").map(\.text))
    }

    /// `--chunking tokens` with MiniLM's WordPiece: every window holds at most the asked tokens
    /// (the chunk's own encoding, counted whole), consecutive windows share a tail, and together
    /// they cover the text from its first word to its last.
    @Test(.enabled(if: (try? SentenceEmbeddingModelLocator.locate()) != nil, "all-MiniLM-L6-v2 not installed"))
    func tokenWindowsFitTheEmbeddingModel() throws {
        let count = try SentenceEmbedder.locate().tokenCount
        let text = (0..<40).map { i in
            "Sentence \(i): the lighthouse-keeper's log (vol. \(i * 7)) says “unbelievably” calm; 灯塔看守人的日志。"
        }.joined(separator: " ")
        let settings = ChunkingSettings(method: .tokens, windowTokens: 48, overlapTokens: 8)
        let chunks = settings.chunks(of: text, source: "d", countTokens: count)
        #expect(chunks.count > 10)
        for c in chunks { #expect(count(Substring(c.text)) <= 48 && count(Substring(c.text)) >= 30, "\(count(Substring(c.text))): \(c.text)") }
        #expect(text.hasPrefix(chunks.first!.text) && text.hasSuffix(chunks.last!.text))
        for (a, b) in zip(chunks, chunks.dropFirst()) {
            // The longest tail of a that b starts with: at least one word, at most 8 tokens.
            let wa = a.text.split(separator: " "), wb = b.text.split(separator: " ")
            let k = (1...min(wa.count, wb.count)).last { Array(wa.suffix($0)) == Array(wb.prefix($0)) } ?? 0
            #expect(k >= 1 && count(Substring(wb.prefix(k).joined(separator: " "))) <= 8, "\(a.text) | \(b.text)")
        }
    }
}
