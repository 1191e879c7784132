import Testing
import TestSupport
@testable import Tokenization

/// The trainer on corpora small enough to check by hand, and against a plain recount-every-step
/// reference on a larger one.
@Suite struct BPETrainerTests {
    /// HF's course example, one word per line: hug ×10, pug ×5, pun ×12, bun ×4, hugs ×5.
    static let hugCorpus: [String] = {
        var lines = [String]()
        for (word, n) in [("hug", 10), ("pug", 5), ("pun", 12), ("bun", 4), ("hugs", 5)] {
            lines += Array(repeating: word + "\n", count: n)
        }
        return lines
    }()

    func train(_ lines: [String], _ configure: (inout BPETrainer.Configuration) -> Void) throws -> TokenizerJSON {
        var c = BPETrainer.Configuration()
        configure(&c)
        var trainer = try BPETrainer(configuration: c)
        for l in lines { trainer.add(l) }
        return trainer.train()
    }

    @Test func mergesTheMostFrequentPairFirst() throws {
        let t = try train(Self.hugCorpus) { $0.vocabularySize = 1000; $0.minFrequency = 1 }
        // Pairs: ug 20, pu 17, un 16, hu 15 → "u g"; then un 16 → "u n"; h+ug 15; p+un 12;
        // then p+ug and hug+s tie at 5: (p, ug) has the smaller left id (a byte) and goes first.
        #expect(t.merges == ["u g", "u n", "h ug", "p un", "p ug", "hug s", "b un"])
        #expect(t.vocabulary.count == 256 + 7)
        #expect(Array(t.vocabulary.suffix(7)) == ["ug", "un", "hug", "pun", "pug", "hugs", "bun"])
    }

    @Test func alphabetIsAllBytesInCodePointOrder() throws {
        let t = try train([]) { $0.vocabularySize = 1000; $0.specialTokens = ["<|endoftext|>"] }
        #expect(t.vocabulary.count == 257 && t.merges.isEmpty)
        #expect(t.vocabulary[0] == "<|endoftext|>")
        #expect(t.vocabulary[1] == "!" && t.vocabulary[94] == "~" && t.vocabulary[95] == "¡" && t.vocabulary[256] == "Ń")
        #expect(t.addedTokens == [.init(id: 0, content: "<|endoftext|>", special: true)])
        #expect(Set(t.vocabulary).count == 257)
    }

    @Test func stopsAtVocabularySizeAndMinFrequency() throws {
        var t = try train(Self.hugCorpus) { $0.vocabularySize = 256 + 3; $0.minFrequency = 1 }
        #expect(t.merges == ["u g", "u n", "h ug"])
        t = try train(Self.hugCorpus) { $0.vocabularySize = 1000; $0.minFrequency = 5 }
        #expect(t.merges == ["u g", "u n", "h ug", "p un", "p ug", "hug s"])  // b+un occurs 4 times
        t = try train(Self.hugCorpus) { $0.vocabularySize = 10; $0.minFrequency = 1 }
        #expect(t.vocabulary.count == 256 && t.merges.isEmpty)  // the alphabet is always whole
    }

    @Test func specialTokensAreNeverSplitOrMerged() throws {
        let lines = Array(repeating: "ab<|sep|>ab<|sep|>\n", count: 5)
        let t = try train(lines) { $0.vocabularySize = 1000; $0.minFrequency = 1; $0.specialTokens = ["<|sep|>"] }
        // "<|sep|>" is cut out before counting: only "ab" (10 times) has a pair.
        #expect(t.merges == ["a b"])
        let tok = try Tokenizer(vocabulary: Vocabulary(t))
        let ab = try #require(tok.tokenID(of: "ab"))
        #expect(tok.encode("ab<|sep|>ab", addSpecial: false, parseSpecial: true) == [ab, 0, ab])
    }

    @Test func trainedTokenizerEncodes() throws {
        let t = try train(Self.hugCorpus) { $0.vocabularySize = 1000; $0.minFrequency = 1 }
        let tok = try Tokenizer(vocabulary: Vocabulary(t))
        let id = { (s: String) in tok.tokenID(of: s)! }
        #expect(tok.encode("hugs", addSpecial: true) == [id("hugs")])
        #expect(tok.encode("bug", addSpecial: false) == [id("b"), id("ug")])
        #expect(tok.encode("hug pun", addSpecial: false) == [id("hug"), id("Ġ"), id("pun")])
        #expect(tok.decode(tok.encode("hug pun\n")) == "hug pun\n")
        #expect(tok.bos == nil && tok.eos == nil && !tok.addsBOS)
    }

    @Test func jsonRoundTrips() throws {
        var t = try train(Self.hugCorpus + ["Ünïcödé \"quoted\" \\ tab\t\n"]) {
            $0.vocabularySize = 300; $0.minFrequency = 1; $0.specialTokens = ["<s>", "</s>", "\u{1}ctl"]
            $0.pattern = "llama3"
        }
        t.prefixToken = 0
        let back = try TokenizerJSON(json: t.jsonString())
        #expect(back == t)
        #expect(back.pattern == .llama3)
        let tok = try Tokenizer(vocabulary: Vocabulary(back))
        #expect(tok.addsBOS && tok.bos == 0 && tok.encode("hug", addSpecial: true) == [0, tok.tokenID(of: "hug")!])
    }

    @Test func readsPairMergesAndRejectsWhatItCannotReproduce() throws {
        let base = try train(Self.hugCorpus) { $0.vocabularySize = 260; $0.minFrequency = 1 }
        let text = base.jsonString()
        let pairs = text.replacingOccurrences("\"u g\"", "[\"u\", \"g\"]")
        #expect(try TokenizerJSON(json: pairs) == base)
        #expect(throws: TokenizerError.self) {
            try TokenizerJSON(json: text.replacingOccurrences("\"normalizer\": null", "\"normalizer\": {\"type\": \"NFC\"}"))
        }
        #expect(throws: TokenizerError.self) {
            try TokenizerJSON(json: text.replacingOccurrences("\"add_prefix_space\": false", "\"add_prefix_space\": true"))
        }
        #expect(throws: TokenizerError.self) { try TokenizerJSON(json: "{\"model\": {\"type\": \"WordPiece\"}}") }
        #expect(throws: TokenizerError.self) { try TokenizerJSON(json: "{not json") }
    }

    @Test func rejectsBadConfiguration() {
        #expect(throws: BPETrainingError.unsupportedPattern("smollm")) {
            var c = BPETrainer.Configuration(); c.pattern = "smollm"; _ = try BPETrainer(configuration: c)
        }
        #expect(throws: BPETrainingError.emptySpecialToken) {
            var c = BPETrainer.Configuration(); c.specialTokens = [""]; _ = try BPETrainer(configuration: c)
        }
    }

    /// The incremental trainer equals a reference that recounts every pair before each merge.
    @Test(arguments: ["gpt2", "llama3"])
    func equalsRecountingReference(pattern: String) throws {
        var rng = SplitMix64(seed: 7)
        let syllables = ["ka", "to", "ri", "an", "ing", "the", " ", " ", "  ", "\n", "12", "7", "é", "日本", "😀", "'s", ".", "ab", "ba"]
        var lines = [String]()
        for _ in 0..<400 {
            var l = ""
            for _ in 0..<(1 + rng.next() % 12) { l += syllables[Int(rng.next() % UInt64(syllables.count))] }
            lines.append(l + "\n")
        }
        for minFrequency in [1, 3] {
            var c = BPETrainer.Configuration()
            c.vocabularySize = 256 + 300; c.minFrequency = minFrequency; c.pattern = pattern; c.specialTokens = ["<x>"]
            var trainer = try BPETrainer(configuration: c)
            for l in lines { trainer.add(l) }
            let fast = trainer.train()
            var reference = RecountingTrainer(trainer: trainer)
            let slow = reference.train(vocabularySize: c.vocabularySize, minFrequency: minFrequency)
            #expect(fast.merges.count > 50)
            #expect(fast.merges == slow.merges)
            #expect(fast.vocabulary == slow.tokens)
        }
    }
}

/// The plain reference: count every adjacent pair of every word before each merge, take the
/// highest count (smallest (left, right) ids on ties), merge it everywhere.
struct RecountingTrainer {
    var words: [[Int]]
    var counts: [Int]
    var tokens: [String]

    init(trainer: BPETrainer) {
        let state = MergeState(trainer: trainer)  // only for the initial ids and words
        tokens = Array(state.tokens)
        words = state.words.map { $0.map(Int.init) }
        counts = state.counts
    }

    mutating func train(vocabularySize: Int, minFrequency: Int) -> (merges: [String], tokens: [String]) {
        var merges = [String]()
        while tokens.count < vocabularySize {
            var pairs = [[Int]: Int]()
            for (w, s) in words.enumerated() where s.count > 1 {
                for i in 1..<s.count { pairs[[s[i - 1], s[i]], default: 0] += counts[w] }
            }
            guard let best = pairs.max(by: { a, b in
                a.value != b.value ? a.value < b.value : a.key.lexicographicallyPrecedes(b.key) == false
            }), best.value >= minFrequency else { break }
            let (l, r) = (best.key[0], best.key[1])
            let text = tokens[l] + tokens[r]
            let id = tokens.firstIndex(of: text) ?? { tokens.append(text); return tokens.count - 1 }()
            merges.append(tokens[l] + " " + tokens[r])
            for w in words.indices {
                var out = [Int](), i = 0
                let s = words[w]
                while i < s.count {
                    if i + 1 < s.count && s[i] == l && s[i + 1] == r { out.append(id); i += 2 } else { out.append(s[i]); i += 1 }
                }
                words[w] = out
            }
        }
        return (merges, tokens)
    }
}
