import Testing
@testable import Corpus

/// Tokenizer, tree builder and text writer on hand-made edge cases.
@Suite struct HTMLTokenizerTests {
    /// Tokens of `html` rendered as short strings ("<div class>", "</p>", "#text", "!comment").
    func tokens(_ html: String) -> [String] {
        let bytes = Array(html.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            var tokenizer = HTMLTokenizer(buffer)
            var out: [String] = []
            func s(_ a: Int, _ b: Int) -> String { String(decoding: buffer[a..<b], as: UTF8.self) }
            while let t = tokenizer.next() {
                switch t {
                case .text(let a, let b, let raw): out.append((raw ? "raw:" : "") + s(a, b))
                case .startTag(let tag, _, let selfClosing):
                    let attrs = tokenizer.attributes.map { s($0.nameStart, $0.nameEnd) + "=" + s($0.valueStart, $0.valueEnd) }
                    out.append("<\(tag)" + attrs.map { " " + $0 }.joined() + (selfClosing ? "/" : "") + ">")
                case .endTag(let tag, _): out.append("</\(tag)>")
                case .comment(let a, let b): out.append("!" + s(a, b))
                case .doctype(let a, let b): out.append("doctype" + s(a, b))
                case .cdata(let a, let b): out.append("cdata:" + s(a, b))
                }
            }
            return out
        }
    }

    func text(_ html: String) throws -> String { try HTMLExtractor().extract(html).text }

    @Test func tagsAttributesAndUnquotedValues() {
        #expect(tokens(#"<DIV Class=a id='b c' data-x="1>2" hidden>x</Div>"#)
            == ["<div Class=a id=b c data-x=1>2 hidden=>", "x", "</div>"])
        #expect(tokens("<img src=a.png/><br/>") == ["<img src=a.png/>", "<br/>"])
        #expect(tokens("a < b <3 </ x>y") == ["a ", "< b ", "<3 ", "! x", "y"])
    }

    @Test func commentsDoctypeAndCDATA() {
        #expect(tokens("<!DOCTYPE html><!-- c -- d --><!--><p>x<?php y ?><![CDATA[<z>]]>")
            == ["doctype html", "! c -- d ", "!", "<p>", "x", "!?php y ?", "cdata:<z>"])
        #expect(tokens("a<!-- never closed") == ["a", "! never closed"])
    }

    @Test func rawTextElementsEndOnlyAtTheirOwnEndTag() throws {
        #expect(tokens("<script>if (a</div>) {}</SCRIPT >b") == ["<script>", "raw:if (a</div>) {}", "</script>", "b"])
        #expect(tokens("<title>A &amp; B</title>") == ["<title>", "A &amp; B", "</title>"])
        #expect(try text("<body><p>a</p><script>var s = '</div><p>hidden</p>';</script><p>b</p>") == "a\nb")
        #expect(try text("<body><style>p{}</style><p>x</p><script>unclosed <p>y</p>") == "x")
    }

    @Test func characterReferences() throws {
        #expect(try text("<p>&amp; &lt;&gt; &eacute;&Eacute; &#233;&#xE9;&#XE9; &copy &notin; &notit; &bogus; &#x110000; &#0; &#128; &</p>")
            == "& <> éÉ ééé © ∉ ¬it; &bogus; \u{FFFD} \u{FFFD} € &")
        #expect(try text("<p>a&nbsp;&nbsp;b &NotEqualTilde; &fjlig;</p>") == "a b ≂̸ fj")
        #expect(HTMLEntities.byName.count == 2231)
    }

    @Test func impliedEndTagsAndLineStructure() throws {
        #expect(try text("<body><p>one<p>two<div>three</div>four<br>five</body>") == "one\ntwo\nthree\nfour\nfive")
        #expect(try text("<ul><li>a<li>b<ul><li>c</ul><li>d</ul>") == "- a\n- b\n- c\n- d")
        #expect(try text("<dl><dt>t<dd>d<dt>u</dl>") == "- t\n- d\n- u")
        #expect(try text("<table><tr><td>a<td>b<tr><th>c<td>d</table>") == "a | b |\nc | d |\n---|---|")
        #expect(try text("<p>a <b>bold</b>\n  and   <i>more</i></p>") == "a bold and more")
        #expect(try text("<pre>\nline 1\n  line 2\n</pre><p>after</p>") == "line 1\n  line 2\nafter")
        #expect(try text("<div><span>x</div>y</span>z") == "x\nyz")
        #expect(try text("<html><body><p>in</p></body></html><p>after the body</p>") == "in\nafter the body")
        #expect(try text("<table><tr><td>a<table><tr><td>x<tr><td>y</table><td>b</table>") == "a\nx |\ny |\nb |")
    }

    @Test func unclosedAndMalformedMarkupNeverTraps() throws {
        for html in ["", "<", "</", "<a", "<a href='x", "<!--", "<!", "<![CDATA[", "&", "&#", "&#x", "<p>x</p></p></div>",
                     "<table><td>x", "</br>", "<div/><p>a", "<a><a>x</a>", "\u{0}<p>\u{0}</p>"] {
            _ = try text(html)
        }
        #expect(try text("") == "")
        #expect(try text("plain text, no tags") == "plain text, no tags")
        #expect(try text("<p>a</br>b") == "a\nb")
    }

    @Test func randomMarkupSoupNeverTraps() throws {
        // Seeded soup of markup fragments and raw bytes; the extractor must return, whatever it gets.
        let pieces = ["<", ">", "</", "/>", "<p>", "</p>", "<div class='nav x'>", "</div>", "<li>", "<table>", "<td>",
                      "<tr>", "<script>", "</script>", "<!--", "-->", "<![CDATA[", "]]>", "&", "&amp", "&#x", "&#12",
                      ";", "=", "'", "\"", " ", "\n", "<a href=", "</a>", "<pre>", "<br>", "<title>", "<main>", "é",
                      "<body>", "</body>", "<plaintext>", "<!DOCTYPE", "<?x", "text", "<svg><path/>"]
        let extractor = try HTMLExtractor()
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        for _ in 0..<1500 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(next() % 120) {
                if next() % 8 == 0 { bytes.append(UInt8(truncatingIfNeeded: next())) }
                else { bytes += Array(pieces[Int(next() % UInt64(pieces.count))].utf8) }
            }
            _ = extractor.extract(bytes)
        }
    }

    @Test func invalidUTF8BecomesReplacementCharacters() throws {
        let bytes: [UInt8] = Array("<p>ok ".utf8) + [0xFF, 0xC3, 0x28] + Array(" end</p>".utf8)
        let page = try HTMLExtractor().extract(bytes)
        #expect(page.text == "ok \u{FFFD}\u{FFFD}( end")
    }

    @Test func windows1252IsDecodedWhenDeclared() throws {
        let bytes: [UInt8] = Array("<meta charset=\"windows-1252\"><p>caf".utf8) + [0xE9, 0x20, 0x80, 0x20, 0x93, 0x71, 0x94]
            + Array("</p>".utf8)
        #expect(try HTMLExtractor().extract(bytes).text == "café € “q”")
        let latin1: [UInt8] = Array("<meta http-equiv=Content-Type content='text/html; charset=ISO-8859-1'><p>".utf8) + [0xFC]
        #expect(try HTMLExtractor().extract(latin1).text == "ü")
    }

    @Test func titleAndLanguageAreMetadataNotText() throws {
        let page = try HTMLExtractor().extract("<html lang=pt-BR><head><title> A &amp;\n B </title></head><body><p>text</p></body></html>")
        #expect(page == ExtractedPage(text: "text", title: "A & B", language: "pt-BR"))
        #expect(try HTMLExtractor().extract("<p>x</p>").title == nil)
    }

    @Test func deepNestingIsIterative() throws {
        // 10 MB of nested divs: the builder flattens beyond maxDepth, the walk is a loop.
        let open = Array("<div>".utf8), close = Array("</div>".utf8)
        let depth = 10_000_000 / (open.count + close.count)
        var html: [UInt8] = []
        html.reserveCapacity(depth * 11 + 32)
        for _ in 0..<depth { html += open }
        html += Array("<p>deep</p>".utf8)
        for _ in 0..<depth { html += close }
        html += Array("<p>after</p>".utf8)
        #expect(try HTMLExtractor().extract(html).text == "deep\nafter")
    }
}
