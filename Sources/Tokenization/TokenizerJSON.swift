/// A byte-level BPE tokenizer in the terms of HF `tokenizers`' `tokenizer.json`: what the
/// trainer produces, what `tokenizer.json` files are written from and read into.
///
/// Pre-tokenization is one of the patterns Tern implements exactly: `gpt2` is HF's `ByteLevel`
/// pre-tokenizer with its regex; `llama3` and `qwen2` are a `Split` on their regex followed by
/// `ByteLevel` without one (as Llama 3 and Qwen2 files spell it). No normalizer, `ByteLevel` decoder.
/// This is the subset a GGUF can express (`Vocabulary(_:)`); `TokenizerPipeline` is the general form.
public struct TokenizerJSON: Sendable, Equatable {
    /// An entry of `added_tokens`: matched whole in text before pre-tokenization.
    public struct AddedToken: Sendable, Equatable {
        public var id: Int
        public var content: String
        /// `special: true` tokens are control tokens (skipped when decoding); others are user-defined.
        public var special: Bool
        /// `single_word`: matched only where no word character touches it.
        public var singleWord: Bool
        /// `lstrip`: a match takes the White_Space before it.
        public var leftStrip: Bool
        /// `rstrip`: a match takes the White_Space after it.
        public var rightStrip: Bool
        /// `normalized`: matched in normalized text (its own text normalized), after the others.
        public var normalized: Bool

        public init(id: Int, content: String, special: Bool, singleWord: Bool = false, leftStrip: Bool = false,
                    rightStrip: Bool = false, normalized: Bool = false) {
            self.id = id
            self.content = content
            self.special = special
            self.singleWord = singleWord
            self.leftStrip = leftStrip
            self.rightStrip = rightStrip
            self.normalized = normalized
        }
    }

    /// The pre-tokenizer split.
    public var pattern: PreTokenizer
    /// `model.vocab`: token texts by id 0..<n, in the byte-level alphabet (added tokens as written).
    public var vocabulary: [String]
    /// `model.merges` in rank order, each `"left right"`.
    public var merges: [String]
    /// `added_tokens`; ids may lie inside `vocabulary` or past it.
    public var addedTokens: [AddedToken]
    /// `model.ignore_merges`: a word that is itself a token is not merged.
    public var ignoreMerges: Bool
    /// Token the post-processor puts before every sequence (`TemplateProcessing`), if any.
    public var prefixToken: Int?
    /// Token the post-processor puts after every sequence, if any.
    public var suffixToken: Int?

    public init(pattern: PreTokenizer, vocabulary: [String], merges: [String], addedTokens: [AddedToken] = [],
                ignoreMerges: Bool = false, prefixToken: Int? = nil, suffixToken: Int? = nil) {
        self.pattern = pattern
        self.vocabulary = vocabulary
        self.merges = merges
        self.addedTokens = addedTokens
        self.ignoreMerges = ignoreMerges
        self.prefixToken = prefixToken
        self.suffixToken = suffixToken
    }

    /// HF's `Split` regex for the patterns that need one (`gpt2` is the `ByteLevel` default).
    static let splitRegexes: [PreTokenizer: String] = {
        var out = [PreTokenizer: String]()
        for (text, p) in PreTokenizer.regexTexts where p == .llama3 || p == .qwen2 { out[p] = text }
        return out
    }()

    /// The GGUF pre-tokenizer name whose split is `pattern`.
    static func preTokenizerName(_ pattern: PreTokenizer) -> String {
        switch pattern {
        case .gpt2: return "gpt-2"
        case .llama3: return "llama-bpe"
        case .qwen2: return "qwen2"
        case .smollm: return "smollm"
        case .default: return "default"
        }
    }
}

extension Vocabulary {
    /// The vocabulary Tern's `Tokenizer` is built from: model vocabulary then added tokens (gaps
    /// between them become unused `[PAD<id>]` entries), HF's semantics (no space clean-up when
    /// decoding, `ignore_merges` as written, no BOS/EOS unless the post-processor adds them).
    public init(_ json: TokenizerJSON) {
        var tokens = json.vocabulary
        var types = [TokenType](repeating: .normal, count: tokens.count)
        let count = max(tokens.count, (json.addedTokens.map(\.id).max() ?? -1) + 1)
        while tokens.count < count {
            tokens.append("[PAD\(tokens.count)]")
            types.append(.unused)
        }
        for a in json.addedTokens {
            tokens[a.id] = a.content
            types[a.id] = a.special ? .control : .userDefined
        }
        var special = SpecialTokenIDs()
        special.bos = json.prefixToken
        special.eos = json.suffixToken
        self.init(model: "gpt2", preTokenizer: TokenizerJSON.preTokenizerName(json.pattern), tokens: tokens,
                  tokenTypes: types, merges: json.merges, special: special,
                  addBOS: json.prefixToken != nil, addEOS: json.suffixToken != nil)
        cleanSpaces = false
        ignoreMerges = json.ignoreMerges
        appliesDefaultSpecialIDs = false
    }
}
