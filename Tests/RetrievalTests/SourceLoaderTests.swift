import Foundation
import ModelFiles
@testable import Retrieval
import Testing
import TestSupport

/// Loading files for indexing: each kind read, each kind of bad input refused with its reason.
@Suite struct SourceLoaderTests {
    func folder() throws -> String {
        let root = temporaryPath("loader")
        try FileManager.default.createDirectory(atPath: root + "/in/.hidden", withIntermediateDirectories: true)
        return root
    }

    @Test func readsTextMarkdownHTMLAndJSONL() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try writeFileAtomically(path: root + "/in/a.txt", bytes: Array("\u{FEFF}Plain text, with a byte-order mark.".utf8))
        try writeFileAtomically(path: root + "/in/b.md", bytes: Array("Intro line\n\n## Install\n\nRun the installer.\n".utf8))
        try writeFileAtomically(path: root + "/in/c.html", bytes: Array("""
            <html><head><title>Bridges of the North</title></head><body><nav><a href="/">Home</a> <a href="/x">Index</a></nav>
            <main><h1>Bridges</h1><p>The granite bridge was built in 1820 and still carries traffic today.</p>
            <p>Its arches are &eacute;l&eacute;gant and wide.</p></main><footer>Copyright</footer></body></html>
            """.utf8))
        try writeFileAtomically(path: root + "/in/d.jsonl", bytes: Array("""
            {"id": "r1", "text": "First record.", "title": "One"}
            {"text": "A record without an id."}
            {"id": "r1", "text": "A repeated id."}
            {"id": "r3", "text": "   "}
            {"id": "r4", "text": 
            """.utf8) + [0x0A])
        try writeFileAtomically(path: root + "/in/.hidden/e.txt", bytes: Array("hidden".utf8))
        try writeFileAtomically(path: root + "/in/f.pdf", bytes: Array("%PDF-1.4".utf8))
        let loader = SourceLoader()
        let (files, listIssues) = loader.files(under: [root + "/in", root + "/in/a.txt", root + "/nowhere"])
        #expect(files.map { ($0 as NSString).lastPathComponent } == ["a.txt", "b.md", "c.html", "d.jsonl"])
        #expect(listIssues.count == 1 && listIssues[0].description.contains("nowhere: cannot read: no such file or folder"))
        let named = loader.files(under: [root + "/in/f.pdf"])
        #expect(named.files.isEmpty && named.issues.first?.problem == .unsupportedKind, "a file named directly is still checked")
        let again = loader.files(under: [root + "/./in/", root + "/in/../in/b.md"]).files
        #expect(again.map { ($0 as NSString).lastPathComponent } == ["a.txt", "b.md", "c.html", "d.jsonl"] && again[0] == files[0])

        let a = loader.load(path: root + "/in/a.txt").documents
        #expect(a.first?.text == "Plain text, with a byte-order mark." && a.first?.format == .text)
        let b = loader.load(path: root + "/in/b.md").documents
        #expect(b.first?.title == "Install")
        let c = loader.load(path: root + "/in/c.html").documents
        #expect(c.first?.title == "Bridges of the North")
        #expect(c.first?.text.hasPrefix("# Bridges\n\nThe granite bridge was built in 1820") == true, "\(c.first?.text ?? "")")
        #expect(c.first?.text.contains("élégant") == true)
        #expect(c.first?.text.contains("Copyright") == false && c.first?.text.contains("Home") == false)
        let d = loader.load(path: root + "/in/d.jsonl")
        #expect(d.documents.map(\.source) == [root + "/in/d.jsonl#r1", root + "/in/d.jsonl#line2", root + "/in/d.jsonl#r1@line3"])
        #expect(d.documents.first?.title == "One")
        #expect(d.issues.contains { $0.problem == .empty }, "\(d.issues)")
        #expect(d.issues.contains { $0.description.contains("line 5") }, "\(d.issues)")
        #expect(loader.load(path: root + "/in/f.pdf").issues.first?.problem == .unsupportedKind)
    }

    @Test func badInputIsRefusedWithItsReason() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var binary = Array("GIF89a".utf8) + [0, 1, 2, 3, 0xFF, 0xFE]
        binary += Array(repeating: 0x41, count: 100)
        try writeFileAtomically(path: root + "/in/image.txt", bytes: binary)
        try writeFileAtomically(path: root + "/in/latin1.txt", bytes: Array("caf".utf8) + [0xE9] + Array(" au lait".utf8))
        try writeFileAtomically(path: root + "/in/empty.md", bytes: Array(" \n\t\n".utf8))
        try writeFileAtomically(path: root + "/in/big.txt", bytes: Array(repeating: 0x61, count: 5000))
        var loader = SourceLoader()
        loader.maxDocumentBytes = 4096
        #expect(loader.load(path: root + "/in/image.txt").issues.first?.problem == .binary(offset: 6))
        #expect(loader.load(path: root + "/in/latin1.txt").issues.first?.problem == .invalidUTF8(offset: 3))
        #expect(loader.load(path: root + "/in/empty.md").issues.first?.problem == .empty)
        #expect(loader.load(path: root + "/in/big.txt").issues.first?.problem == .tooLarge(bytes: 5000, limit: 4096))
        #expect(loader.load(path: root + "/in/latin1.txt").issues.first?.description.contains("latin1.txt: invalid UTF-8 at byte 3") == true)
    }

    @Test func longParagraphsAreCutInLinearTime() {
        // 2 MB without a blank line: the structure chunker cuts it into ≤ 1,200-character pieces.
        let sentence = "The lantern by the granite harbour burned all night. "
        let text = String(repeating: sentence, count: 40_000)
        let chunks = StructureChunker().chunks(of: text, documentID: "long")
        #expect(chunks.allSatisfy { $0.text.count <= 1200 })
        #expect(chunks.count >= text.count / 1200 && chunks.count <= text.count / 1000 + 1)
        #expect(chunks.map(\.text).joined(separator: " ").count >= text.count - chunks.count - 1)
    }
}

/// `[n]` citations as the answerer reads them.
@Suite struct CitationTests {
    @Test func citationsInTheirUsualForms() {
        let text = "Terns are seabirds [1]. They nest on coasts [2][3]. Some migrate far [1, 4]. See also [2-3] and [9]. Not a cite: [a] [] [1.5]"
        let (cited, invalid) = Citations.parse(text, sourceCount: 4)
        #expect(cited == [1, 2, 3, 4])
        #expect(invalid == [9])
        #expect(Citations.parse("No citations here.", sourceCount: 3).cited.isEmpty)
        #expect(Citations.parse("Out of range [0] [4]", sourceCount: 3).invalid == [0, 4])
        #expect(Citations.parse("[1]", sourceCount: 0).invalid == [1])
    }

    @Test func promptNumbersEverySourceAndAsksForCitations() {
        let sources = [AnswerSource(number: 1, source: "a.md", title: "Terns", headings: ["Nesting"], text: "Terns nest on beaches.", similarity: 0.7, cited: false),
                       AnswerSource(number: 2, source: "b.md", title: nil, headings: [], text: "Gulls are larger.", similarity: 0.5, cited: false)]
        let messages = GroundedPrompt.messages(question: "Where do terns nest?", sources: sources)
        #expect(messages.map(\.role) == ["system", "user"])
        let user = messages[1].content ?? ""
        #expect(user.contains("[1] Terns › Nesting\nTerns nest on beaches.") && user.contains("[2] b.md\nGulls are larger."))
        #expect(user.contains("Question: Where do terns nest?"))
        #expect((messages[0].content ?? "").contains("only the numbered sources"))
    }
}
