import Foundation
import Testing
import ModelFiles
import TestSupport
@testable import Corpus

/// Rows of scripts/fixtures/mojibake.py: correct texts and their mangled forms, with ftfy 6.3's
/// `fix_encoding` of each.
private func loadRows() throws -> [(kind: String, input: String, ftfy: String, original: String)] {
    let path = TestEnvironment.fixturePath("corpus/mojibake/mojibake.jsonl")
    let data = try #require(FileManager.default.contents(atPath: path))
    return try data.split(separator: 0x0A).map { line in
        let v = try JSONValue.parse(Array(line))
        return (v["kind"]?.string ?? "", v["input"]?.string ?? "", v["ftfy"]?.string ?? "", v["original"]?.string ?? "")
    }
}

@Suite struct MojibakeRepairTests {
    @Test func agreesWithFtfyAndNeverTouchesCorrectText() throws {
        let rows = try loadRows()
        var mangled = 0, equal = 0, restoredWhereFtfyDiffers = 0, correct = 0, changedCorrect = 0
        for r in rows {
            let got = MojibakeRepair.repair(r.input)
            if r.kind == "correct" {
                guard r.ftfy == r.input else { continue }  // ftfy's own false positives are not "correct" cases
                correct += 1
                if got != r.input { changedCorrect += 1 }
            } else {
                mangled += 1
                if got == r.ftfy { equal += 1 } else if got == r.original { restoredWhereFtfyDiffers += 1 }
            }
        }
        let rate = Double(equal) / Double(max(1, mangled))
        print("mojibake: \(equal)/\(mangled) mangled texts equal ftfy (\(rate * 100)%), \(restoredWhereFtfyDiffers) of the others restored to the original where ftfy did not; \(changedCorrect)/\(correct) correct texts changed")
        #expect(mangled >= 1000)
        #expect(rate >= 0.98)
        #expect(changedCorrect == 0)
    }

    @Test func handMadeCases() {
        #expect(MojibakeRepair.repair("cafÃ©") == "café")
        #expect(MojibakeRepair.repair("donâ€™t") == "don’t")
        #expect(MojibakeRepair.repair("cafÃƒÂ©") == "café")  // twice through Windows-1252
        #expect(MojibakeRepair.repair("Ð¿Ñ€Ð¸Ð²ÐµÑ‚") == "привет")
        #expect(MojibakeRepair.repair("æ—¥æœ¬èªž") == "日本語")
        #expect(MojibakeRepair.repair("voilÃ  le travail") == "voilà le travail")  // A0 flattened to a space
        for correct in ["", "plain ASCII", "naïve café", "Größe", "Ã", "Â", "日本語", "😀 emoji", "\u{FFFD}",
                        "£5", "ÅSA", "x\u{80}", "Ã…", "ORDFORRÃ…D", "\u{0}\u{1}"] {
            #expect(MojibakeRepair.repair(correct) == correct, "changed \(correct)")
        }
    }

    @Test func cleanerStepsAndDefaults() throws {
        let cleaner = UnicodeCleaner()
        #expect(cleaner.clean("a\r\nb\rc\n") == "a\nb\nc\n")
        #expect(cleaner.clean("tab\tkeep\u{0}\u{7}\u{7F}\u{85}\u{FEFF}x") == "tab\tkeepx")
        #expect(cleaner.clean("e\u{301}te\u{301}") == "été")
        #expect(cleaner.clean("ﬁne") == "ﬁne")
        #expect(UnicodeCleaner(options: .init(normalForm: .nfkc)).clean("ﬁne ２") == "fine 2")
        #expect(UnicodeCleaner(options: .init(normalForm: .none)).clean("e\u{301}") == "e\u{301}")
        #expect(cleaner.clean("Ã©tÃ©\r\n") == "été\n")
        #expect(cleaner.clean("&eacute;&amp;") == "&eacute;&amp;")
        let html = UnicodeCleaner(options: .init(decodeHTMLEntities: true))
        #expect(html.clean("caf&eacute; &amp; &#233;&#xE9; &lt;b&gt; &bogus; &amp &#0; &#xD800; &#x110000;")
            == "café & éé <b> &bogus; &amp &#0; &#xD800; &#x110000;")
        let decoded = try JSONDecoder().decode(UnicodeCleaner.Options.self, from: Data(#"{"normalForm":"nfkc"}"#.utf8))
        #expect(decoded == UnicodeCleaner.Options(normalForm: .nfkc))
        #expect(try JSONDecoder().decode(UnicodeCleaner.Options.self, from: Data("{}".utf8)) == UnicodeCleaner.Options())
        var doc = Document(id: "d", text: "FranÃ§ais\r\n")
        cleaner.clean(&doc)
        #expect(doc.text == "Français\n")
    }
}
