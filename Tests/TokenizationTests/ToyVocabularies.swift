@testable import Tokenization

/// Small hand-made vocabularies for tests that must run without the real models.
enum ToyVocabularies {
    /// SentencePiece: `<unk>` 0, `<s>` 1, `</s>` 2, `<0x00>`…`<0xFF>` 3…258, then a few pieces
    /// with scores, a control `<start_of_turn>` and a user-defined `\n`.
    static func sentencePiece(addSpacePrefix: Bool = false) -> Vocabulary {
        var tokens = ["<unk>", "<s>", "</s>"]
        var types: [TokenType] = [.unknown, .control, .control]
        var scores: [Float] = [0, 0, 0]
        for b in 0..<256 {
            tokens.append("<0x" + String(b, radix: 16, uppercase: true).leftPadded(2) + ">")
            types.append(.byte)
            scores.append(0)
        }
        let pieces: [(String, Float)] = [("▁", -1), ("a", -2), ("b", -2), ("c", -2), ("ab", -3), ("bc", -1),
                                         ("▁a", -4), ("▁ab", -5), ("abc", -6), ("人", -2)]
        for (p, s) in pieces { tokens.append(p); types.append(.normal); scores.append(s) }
        tokens.append("<start_of_turn>"); types.append(.control); scores.append(0)
        tokens.append("\n"); types.append(.userDefined); scores.append(0)
        var special = SpecialTokenIDs()
        special.bos = 1; special.eos = 2; special.unknown = 0
        return Vocabulary(model: "llama", preTokenizer: "default", tokens: tokens, tokenTypes: types, scores: scores,
                          special: special, addBOS: true, addEOS: false, addSpacePrefix: addSpacePrefix)
    }

    /// Byte-level BPE: the 256 byte-level characters (id = byte), then `ab` 256, `abc` 257,
    /// `Ġa` 258, `Ġab` 259, `<|endoftext|>` 260 (control); merges `Ġ a`, `a b`, `Ġa b`, `ab c`.
    static func bytePair(pre: String? = "gpt-2") -> Vocabulary {
        var tokens = (0..<256).map { String(UnicodeScalar(ByteLevelAlphabet.scalarOfByte[$0])!) }
        tokens += ["ab", "abc", "Ġa", "Ġab", "<|endoftext|>"]
        var types = [TokenType](repeating: .normal, count: tokens.count)
        types[260] = .control
        var special = SpecialTokenIDs()
        special.bos = 260; special.eos = 260
        return Vocabulary(model: "gpt2", preTokenizer: pre, tokens: tokens, tokenTypes: types,
                          merges: ["Ġ a", "a b", "Ġa b", "ab c"], special: special, addBOS: false)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
