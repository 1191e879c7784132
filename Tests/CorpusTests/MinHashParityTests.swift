import Foundation
import Testing
import ModelFiles
import TestSupport
@testable import Corpus

/// Parity with datatrove 0.10.1's MinHash signature step, through the fixture that
/// scripts/fixtures/datatrove_minhash.py writes with datatrove's own classes.
@Suite struct MinHashParityTests {
    static let dir = TestEnvironment.fixturePath("corpus/datatrove_minhash/")

    static func params() throws -> JSONValue {
        try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "params.json"))))
    }

    static func docs() throws -> [JSONValue] {
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "docs.jsonl"))
        return try Array(data).split(separator: UInt8(ascii: "\n")).map { try JSONValue.parse(Array($0)) }
    }

    /// datatrove's words, stored joined by "|" (split on scalars: "|" + a skin-tone modifier is
    /// one Character).
    static func spacyWords(_ d: JSONValue) -> [Substring] {
        (d["words"]?.string ?? "").unicodeScalars.split(separator: "|").map { Substring($0) }
    }

    static func uint64s(_ v: JSONValue?) -> [UInt64] { (v?.array ?? []).compactMap { $0.string.flatMap { UInt64($0) } } }

    @Test func xxh64MatchesPythonXxhash() throws {
        let cases = try Self.params()["xxh64"]?.array ?? []
        #expect(cases.count == 18)
        for c in cases {
            let text = c["text"]?.string ?? "?"
            let seed = c["seed"]?.string.flatMap { UInt64($0) } ?? 0
            #expect(XXHash64.hash(text, seed: seed) == c["hash"]?.string.flatMap { UInt64($0) }, "\(text.prefix(20)) seed \(seed)")
        }
    }

    @Test(arguments: ["seed1", "seed7"]) func permutationParametersMatchNumpy(seed: String) throws {
        var config = MinHashConfig()
        config.seed = seed == "seed1" ? 1 : 7
        let hasher = try MinHasher(config: config)
        let p = try Self.params()[seed]
        let (a, b) = (Self.uint64s(p?["a"]), Self.uint64s(p?["b"]))
        #expect(a.count == 112 && b.count == 112)
        #expect(zip(a, hasher.a).count { $0 != $1 } == 0)
        #expect(zip(b, hasher.b).count { $0 != $1 } == 0)
    }

    @Test func simplifyTextMatchesDatatrove() throws {
        var mismatches: [String] = []
        let edge = try Self.params()["simplify"]?.array ?? []
        for d in edge + (try Self.docs()) {
            let text = d["text"]?.string ?? ""
            if TextSimplifier().simplify(text) != d["simplified"]?.string { mismatches.append(String(text.prefix(40))) }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    /// With datatrove's own (spaCy) words, every signature value must match: this checks
    /// shingling, XXH64, the permutations with uint64 wraparound, and the minima.
    @Test func signaturesFromSpacyWordsMatchExactly() throws {
        let hasher = try MinHasher()
        var values = 0, mismatched = 0, presence = 0
        for d in try Self.docs() {
            let words = Self.spacyWords(d)
            let expected = (d["signature"]?.array ?? []).compactMap { $0.string.flatMap { UInt64($0, radix: 16) } }
            let got = hasher.signature(words: words)
            if (got == nil) != expected.isEmpty { presence += 1; continue }
            guard let got else { continue }
            values += expected.count
            mismatched += zip(got, expected).count { $0 != $1 }
        }
        #expect(values > 200 * 112)
        #expect(presence == 0)
        #expect(mismatched == 0)
    }

    /// From raw text with our own simplified-text splitter; records how far the spaCy
    /// approximation is from spaCy on these texts (documents with any differing value).
    @Test func signaturesFromTextWithOwnSplitter() throws {
        let hasher = try MinHasher()
        var documents = 0, differingDocs = 0, differingWords = 0
        for d in try Self.docs() {
            let text = d["text"]?.string ?? ""
            let spacy = Self.spacyWords(d).map(String.init)
            let ours = SimplifiedTextWords.split(TextSimplifier().simplify(text)).map(String.init)
            if ours != spacy { differingWords += 1 }
            let expected = (d["signature"]?.array ?? []).compactMap { $0.string.flatMap { UInt64($0, radix: 16) } }
            let got = hasher.signature(of: text) ?? []
            documents += 1
            if got.count != expected.count || zip(got, expected).contains(where: { $0 != $1 }) { differingDocs += 1 }
        }
        print("MinHash own splitter: \(differingWords) of \(documents) documents split differently from spaCy, "
            + "\(differingDocs) with a differing signature")
        #expect(differingDocs == differingWords)
        #expect(differingDocs == 0)
    }

    @Test func splitterHandlesSpacyRules() {
        let cases: [(String, [String])] = [
            ("i cannot go dont wait", ["i", "can", "not", "go", "do", "nt", "wait"]),
            ("0km 0kg w0m 0in 0hpa", ["0", "km", "0", "kg", "w0", "m", "0", "in", "0hpa"]),
            ("¿que €0 0€ a─b ™", ["¿", "que", "€", "0", "0", "€", "a", "─", "b", "™"]),
            ("0° °f x°y", ["0", "°", "°", "f", "x", "°", "y"]),
            ("=0 0= a=b 0=a a=0 <a a< a<b x> ==a", ["=", "0", "0=", "a", "=", "b", "0", "=", "a", "a=0", "<", "a",
                                                  "a", "<", "a", "<", "b", "x", ">", "=", "=", "a"]),
            ("  ", []),
        ]
        for (text, words) in cases { #expect(SimplifiedTextWords.split(text).map(String.init) == words, "\(text)") }
    }
}
