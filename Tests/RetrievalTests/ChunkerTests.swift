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
}
