import ModelFiles
import Testing
import TestSupport
@testable import Tokenization

/// The fast merge loops and the special-token partition against plain, obviously-correct
/// twins written from llama.cpp's description (quadratic; fine for short inputs), on the real
/// vocabularies and random inputs.
@Suite struct ReferenceTwinTests {
    static func vocabulary(_ model: String) throws -> Vocabulary? {
        guard let path = ModelCatalog.installedPath(model) else { return nil }
        return try Vocabulary(gguf: GGUFFile(path: path))
    }

    static func idsByText(_ v: Vocabulary) -> [[UInt8]: Int] {
        var out = [[UInt8]: Int](minimumCapacity: v.tokens.count)
        for (id, t) in v.tokens.enumerated() { out[Array(t.utf8)] = id }
        return out
    }

    /// Byte-level BPE, one merge at a time: the adjacent pair with the lowest rank, leftmost first.
    static func referenceBPE(_ word: [UInt8], ranks: [String: Int], ids: [[UInt8]: Int]) -> [Int] {
        var symbols = word.map { String(UnicodeScalar(ByteLevelAlphabet.scalarOfByte[Int($0)])!) }
        while true {
            var best: (rank: Int, at: Int)?
            for i in 0..<max(0, symbols.count - 1) {
                if let r = ranks[symbols[i] + " " + symbols[i + 1]], best == nil || r < best!.rank { best = (r, i) }
            }
            guard let (_, i) = best else { break }
            symbols[i] += symbols[i + 1]
            symbols.remove(at: i + 1)
        }
        return symbols.map { ids[Array($0.utf8)]! }
    }

    /// SentencePiece BPE, one merge at a time: the adjacent pair whose concatenation is in the
    /// vocabulary with the highest score, leftmost first; unknown characters as `<0xXX>`.
    static func referenceSPM(_ text: String, scores: [Float], ids: [[UInt8]: Int]) -> [Int] {
        var symbols = text.unicodeScalars.map { $0 == " " ? [0xE2, 0x96, 0x81] : Array(String($0).utf8) }
        while true {
            var best: (score: Float, at: Int)?
            for i in 0..<max(0, symbols.count - 1) {
                if let id = ids[symbols[i] + symbols[i + 1]], best == nil || scores[id] > best!.score {
                    best = (scores[id], i)
                }
            }
            guard let (_, i) = best else { break }
            symbols[i] += symbols[i + 1]
            symbols.remove(at: i + 1)
        }
        return symbols.flatMap { s in
            ids[s].map { [$0] } ?? s.map { b in ids[Array("<0x\(String(b, radix: 16, uppercase: true).leftPadded(2))>".utf8)]! }
        }
    }

    /// llama.cpp's partition as written there: for each special token, longest first, cut every
    /// leftmost occurrence out of every remaining text fragment.
    static func referencePartition(_ text: [UInt8], specials: [(id: Int32, text: [UInt8])]) -> [TextSegment] {
        var fragments: [TextSegment] = text.isEmpty ? [] : [.text(0..<text.count)]
        for (id, needle) in specials.sorted(by: { $0.text.count != $1.text.count ? $0.text.count > $1.text.count : $0.id < $1.id }) {
            var next = [TextSegment]()
            for f in fragments {
                guard case .text(let r) = f else { next.append(f); continue }
                var from = r.lowerBound
                var i = from
                while i + needle.count <= r.upperBound {
                    if Array(text[i..<i + needle.count]) == needle {
                        if i > from { next.append(.text(from..<i)) }
                        next.append(.token(id))
                        i += needle.count
                        from = i
                    } else {
                        i += 1
                    }
                }
                if from < r.upperBound { next.append(.text(from..<r.upperBound)) }
            }
            fragments = next
        }
        return fragments
    }

    @Test(.enabled(if: TestModels.enabled("smollm2-135m"))) func bytePairMatchesReference() throws {
        guard let tok = try TestModels.tokenizer("smollm2-135m"), let v = try Self.vocabulary("smollm2-135m") else { return }
        var ranks = [String: Int]()
        for (r, m) in v.merges.enumerated() where ranks[m] == nil { ranks[m] = r }
        let ids = Self.idsByText(v)
        var rng = SplitMix64(seed: 7)
        let letters = Array("abcdefghijklmnopqrstuvwxyzeeeaaoiuéßждñ")
        for _ in 0..<1_500 {
            let word = (0..<Int.random(in: 1...40, using: &rng)).map { _ in String(letters.randomElement(using: &rng)!) }.joined()
            let text = Bool.random(using: &rng) ? " " + word : word
            #expect(tok.encode(text) == Self.referenceBPE(Array(text.utf8), ranks: ranks, ids: ids), "\(text)")
        }
    }

    @Test(.enabled(if: TestModels.enabled("gemma3-270m"))) func sentencePieceMatchesReference() throws {
        guard let tok = try TestModels.tokenizer("gemma3-270m"), let v = try Self.vocabulary("gemma3-270m") else { return }
        let ids = Self.idsByText(v)
        var rng = SplitMix64(seed: 11)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCXYZ éèü人工智能的是學😀 .,!?-'0123456789ʼǅ\u{1C89}<>/")
        // ">▁</" is Gemma's one entry with ▁ inside a word: no cut may fall between > and ▁.
        // (No HTML tags or space runs here: those are user-defined tokens, cut out before merging.)
        for text in ["x> </y", "> </ > </", "q>> <//", "a> </z> </", "<x> </x>"] {
            #expect(tok.encode(text, addSpecial: false) == Self.referenceSPM(text, scores: v.scores, ids: ids), "\(text)")
        }
        for _ in 0..<600 {
            var text = ""
            for _ in 0..<Int.random(in: 1...50, using: &rng) {
                let c = alphabet.randomElement(using: &rng)!
                if c == " " && (text.last == " " || text.isEmpty) { continue }  // runs of spaces are user-defined tokens
                text.append(c)
            }
            #expect(tok.encode(text, addSpecial: false) == Self.referenceSPM(text, scores: v.scores, ids: ids), "\(text)")
        }
    }

    @Test(.enabled(if: TestModels.enabled("gemma3-270m"))) func partitionMatchesReference() throws {
        guard let tok = try TestModels.tokenizer("gemma3-270m") else { return }
        var all = [(id: Int32, text: [UInt8], control: Bool)]()
        for id in 0..<tok.vocabularySize where !tok.attributes(of: id).isDisjoint(with: [.control, .userDefined, .unknown]) {
            all.append((Int32(id), Array(tok.tokenText(id)!.utf8), !tok.attributes(of: id).isDisjoint(with: [.control, .unknown])))
        }
        #expect(!all.contains { $0.text.isEmpty })
        var rng = SplitMix64(seed: 13)
        let pieces = ["<start_of_turn>", "<end_of_turn>", "<bos>", "<eos>", "<unk>", "<pad>", "<mask>", "</s>", "<table>",
                      "<h1>", "</h1>", "<br>", "<td>", "<unused3>", "<unused31>", "<", ">", "/", "start", "turn", "_of_",
                      " ", "  ", "   ", "\n", "\n\n", "\t", "\t\t", "x", "人", "<<", ">>", "<start_of_", "_turn>"]
        // Long runs of one byte (the scan skips their inside), next to specials that start with it.
        let runs = [String(repeating: " ", count: 100) + "x", "x" + String(repeating: "\n", count: 75) + "<h1>",
                    String(repeating: "\t", count: 64) + String(repeating: " ", count: 33) + "<start_of_turn>",
                    String(repeating: "<", count: 90) + "bos>", String(repeating: "a", count: 200)]
        for _ in 0..<300 {
            let text = Bool.random(using: &rng) ? runs.randomElement(using: &rng)! + pieces.randomElement(using: &rng)!
                : (0..<Int.random(in: 1...14, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let bytes = Array(text.utf8)
            for parse in [false, true] {
                let present = all.filter { (parse || !$0.control) && text.utf8.count >= $0.text.count && contains(bytes, $0.text) }
                let expected = Self.referencePartition(bytes, specials: present.map { ($0.id, $0.text) })
                let got = bytes.withUnsafeBufferPointer { tok.matcher.partition($0, parseSpecial: parse) }
                #expect(got == expected, "\(text.debugDescription) parse: \(parse)")
            }
        }
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<i + needle.count]) == needle { return true }
        }
        return false
    }
}
