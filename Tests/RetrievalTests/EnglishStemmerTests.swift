import Foundation
import Testing
import TestSupport
@testable import Retrieval

/// EnglishStemmer against PyStemmer 3.1.0 (Snowball's C English stemmer): Tests/Fixtures/retrieval/porter2,
/// made by scripts/fixtures/porter2_fixture.py from ~30k words of real text plus Snowball's special cases.
@Suite struct EnglishStemmerTests {
    @Test func everyFixtureWordStemsAsSnowball() throws {
        let text = try String(contentsOfFile: TestEnvironment.fixturePath("retrieval/porter2/porter2.tsv"), encoding: .utf8)
        let stemmer = EnglishStemmer()
        var total = 0, mismatches = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            total += 1
            let ours = stemmer.stem(String(parts[0]))
            if ours != parts[1] {
                mismatches += 1
                if mismatches <= 20 { print("porter2: \(parts[0]) → \(ours), Snowball \(parts[1])") }
            }
        }
        print("[porter2] \(total) words, \(mismatches) mismatches")
        #expect(total > 25_000)
        #expect(mismatches == 0)
    }

    @Test func snowballSpecialCases() {
        let s = EnglishStemmer()
        let cases = [
            ("generously", "generous"), ("skies", "sky"), ("dying", "die"), ("news", "news"), ("proceed", "proceed"),
            ("succeeded", "succeed"), ("arsenal", "arsenal"), ("communism", "communism"), ("inning", "inning"),
            ("yelling", "yell"), ("sayings", "say"), ("happy", "happi"), ("caresses", "caress"), ("ties", "tie"),
            ("hopping", "hop"), ("added", "add"), ("luxuriating", "luxuri"), ("internal", "internal"),
            ("", ""), ("a", "a"), ("ab", "ab"), ("café", "café"), ("naïvely", "naïv"), ("北京大学", "北京大学"),
            ("'", "'"), ("''", "''"), ("'s'", "s"), ("e\u{301}ing", "e\u{301}e"),
        ]
        for (word, stem) in cases { #expect(s.stem(word) == stem, "\(word)") }
    }

    /// Random words over the letters the steps test (y/Y, apostrophes, combining marks, ideographs):
    /// no crash, and stemming never lengthens a word by more than one letter (-e restored).
    @Test func strangeWordsDoNotCrash() {
        var rng = SplitMix64(seed: 11)
        let letters: [Unicode.Scalar] = ["a", "e", "i", "o", "u", "y", "Y", "s", "d", "l", "n", "g", "t", "b", "'", "é", "\u{301}", "北", "z"]
        var longer = 0
        for _ in 0..<20_000 {
            var word = String.UnicodeScalarView()
            for _ in 0..<rng.int(13) { word.append(letters[rng.int(letters.count)]) }
            let w = String(word), stem = EnglishStemmer().stem(w)
            if stem.unicodeScalars.count > w.unicodeScalars.count + 1 { longer += 1 }
        }
        #expect(longer == 0)
    }

    @Test func analyzerStemsAfterStopWords() throws {
        var a = BM25Analyzer()
        a.stemmer = .english
        #expect(a.terms("The runners were running; it is generously sized") == ["runner", "were", "run", "generous", "size"])
        let decoded = try JSONDecoder().decode(BM25Analyzer.self, from: Data(#"{"stemmer":"english"}"#.utf8))
        #expect(decoded.stemmer == .english && decoded.stopwords == BM25Analyzer.englishStopwords)
        #expect(try JSONDecoder().decode(BM25Analyzer.self, from: Data("{}".utf8)) == BM25Analyzer())
    }
}
