import Testing
import Generation
import TestSupport

/// Random generation under a constraint, standing in for a model: each step takes the full mask
/// and draws an allowed token, leaning towards tokens that close values so that walks finish.
struct JSONConstraintWalk {
    let trie: TokenTrie
    /// closes[id]: whether the token's bytes close a string, an array or an object.
    let closes: [Bool]

    init(trie: TokenTrie) {
        self.trie = trie
        closes = (0..<trie.vocabularySize).map { id in
            trie.bytes(of: id).contains { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "]") || $0 == UInt8(ascii: "}") }
        }
    }

    struct Result {
        var bytes: [UInt8] = []
        var tokens: [Int] = []
        var complete = false
        /// The mask was empty before the document was complete.
        var deadEnd = false
    }

    /// Generates up to `maxTokens` tokens; `check` sees the constraint and its mask before each draw.
    func run(_ start: JSONSchemaConstraint, seed: UInt64, maxTokens: Int,
             check: (JSONSchemaConstraint, [Bool]) -> Void = { _, _ in }) -> Result {
        var rng = SplitMix64(seed: seed)
        var c = start
        var r = Result()
        var mask = [Bool](repeating: false, count: trie.vocabularySize)
        for step in 0..<maxTokens {
            if c.mustEnd || (c.isComplete && rng.int(4) == 0) { r.complete = true; return r }
            c.allowedTokens(into: &mask)
            check(c, mask)
            var allowed = [Int](), closing = [Int]()
            mask.withUnsafeBufferPointer { mask in
                closes.withUnsafeBufferPointer { closes in
                    for id in 0..<mask.count where mask[id] {
                        allowed.append(id)
                        if closes[id] { closing.append(id) }
                    }
                }
            }
            if allowed.isEmpty { r.complete = c.isComplete; r.deadEnd = !c.isComplete; return r }
            // Lean towards closing more and more as the walk grows longer.
            let pick = !closing.isEmpty && rng.int(maxTokens) < step + maxTokens / 8
                ? closing[rng.int(closing.count)] : allowed[rng.int(allowed.count)]
            #expect(c.allows(pick))
            c.accept(pick)
            r.tokens.append(pick)
            r.bytes += trie.bytes(of: pick)
        }
        r.complete = c.isComplete
        return r
    }
}

/// A small vocabulary with the traps of a real one: every single byte (control bytes, broken
/// UTF-8), multi-byte characters whole and split, tokens that span JSON structure (`{"`, `":`,
/// `"}]`), whitespace runs up to and past the gap limit, and special tokens without text.
enum SyntheticVocabulary {
    static let pieces: [[UInt8]] = {
        var pieces: [[UInt8]] = (0..<256).map { [UInt8($0)] }
        let texts = ["{\"", "\"}", "\":", "\": ", "\", \"", "\",\"", "},", "}, ", "[{", "}]", "\"}]", "]}", "[]", "{}",
                     "true", "false", "null", "nul", "ull", "\n  ", "\n    ", "  ", "        ", "         ", "\\u", "\\ud83d",
                     "\\ude00", "\\n", "\\\"", "é", "😀", "日本", "12", "123", "0.5", "e+", "-1", "1.", ".0", "name",
                     "\"name\"", "\"name\": \"", "red", "\"red\"", "green", "<tool_call>", "<tool_call>\n", "\n</tool_call>",
                     "circle", "\"kind\"", "square", "value", "\"value\":", "children", "\"children\": [", "abc", "a b",
                     "get_weather", "\"arguments\": {", "city", "Paris", "\"tags\": [\"", "\", ", "\"]", "1,", ", 2"]
        pieces += texts.map { Array($0.utf8) }
        pieces += [[0xF0, 0x9F], [0x98, 0x80], [0xE6, 0x97], [0xA5], [0xC3]]
        pieces += [[], [], []]  // special tokens
        return pieces
    }()

    static let trie = TokenTrie(pieces: pieces)
    static let walk = JSONConstraintWalk(trie: trie)
}
