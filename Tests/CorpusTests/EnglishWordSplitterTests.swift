import Foundation
import Testing
import ModelFiles
import TestSupport
@testable import Corpus

/// Word splitting against datatrove's `split_into_words` (spaCy 3.8 `blank("en")`), fixture
/// from scripts/fixtures/spacy_words.py.
@Suite struct EnglishWordSplitterTests {
    static func fixture() throws -> [(text: String, words: [String], sentences: Int)] {
        let path = TestEnvironment.fixturePath("corpus/spacy_words/words.jsonl")
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var out: [(String, [String], Int)] = []
        for line in data.split(separator: UInt8(ascii: "\n")) {
            let v = try JSONValue.parse(Array(line))
            guard let text = v["text"]?.string, let words = v["words"]?.array else { continue }
            out.append((text, words.compactMap(\.string), v["sentences"]?.int ?? -1))
        }
        return out
    }

    @Test func matchesSpacyOnThousandsOfStrings() throws {
        let cases = try Self.fixture()
        #expect(cases.count > 3000)
        var badStrings = 0, badTokens = 0, totalTokens = 0, badSentences = 0
        var shown = 0
        for (text, expected, sentences) in cases {
            let words = TextWords(text)
            let got = words.words
            totalTokens += expected.count
            if got != expected {
                badStrings += 1
                // token-level: positions that differ, plus the length difference
                badTokens += zip(got, expected).filter { $0 != $1 }.count + abs(got.count - expected.count)
                if shown < 15 { shown += 1; print("MISMATCH \(text.debugDescription)\n  spaCy: \(expected)\n  ours:  \(got)") }
            }
            if sentences >= 0 && words.sentenceCount() != sentences {
                badSentences += 1
                if shown < 25 { shown += 1; print("SENTENCES \(text.debugDescription): spaCy \(sentences), ours \(words.sentenceCount())") }
            }
        }
        let rate = Double(badTokens) / Double(max(totalTokens, 1))
        print("word splitting: \(cases.count) strings, \(badStrings) differ; token mismatch rate \(rate) (\(badTokens)/\(totalTokens)); sentence counts differ on \(badSentences)")
        #expect(Double(badStrings) / Double(cases.count) < 0.01)
        #expect(rate < 0.001)
        #expect(Double(badSentences) / Double(cases.count) < 0.01)
    }

    @Test func fastPathsEqualThePlainPath() throws {
        let plain = EnglishWordSplitter(fastPaths: false)
        var differ = 0
        for (text, _, _) in try Self.fixture() where TextWords(text).words != TextWords(text, splitter: plain).words {
            differ += 1
        }
        #expect(differ == 0)
    }

    @Test func handMadeCases() {
        func w(_ s: String) -> [String] { TextWords(s).words }
        #expect(w("don't cannot") == ["do", "n't", "can", "not"])
        #expect(w("hello:) x") == ["hello", ":)", "x"])
        #expect(w("hello : ) x") == ["hello", ":", ")", "x"])
        #expect(w("(a.m.)") == ["(", "a.m.", ")"])
        #expect(w("10km 5kg") == ["10", "km", "5", "kg"])
        #expect(w("http://example.com/foo?x=1, www.x.org.") == ["http://example.com/foo?x=1", ",", "www.x.org", "."])
        #expect(w("hi...there") == ["hi", "...", "there"])
        #expect(w("self-driving U.S.A. well") == ["self", "-", "driving", "U.S.A.", "well"])
        #expect(w("  \n\t ") == [])
        #expect(w("") == [])
        #expect(TextWords("Hello.  . Bye.").sentenceCount() == 3)
        #expect(TextWords("Hello. ) Bye.").sentenceCount() == 2)
    }

    @Test func strangeUnicodeDoesNotCrash() {
        let s = "\u{0}\u{FFFF}\u{10FFFF}\u{D7FF}\u{E000} a\u{301}\u{301}. 🇫🇷🇫🇷.. ::)) ((( ))) ''' ``` ...... !!!"
        let words = TextWords(s)
        #expect(words.count > 0)
        _ = words.sentenceCount()
    }
}
