/// An HF `tokenizers` tokenizer as its `tokenizer.json` describes it: the five stages HF runs, in
/// order, plus the added tokens matched before them. `Tokenizer(tokenizerJSON:)` runs it with
/// HF's exact behaviour (`Tokenizer.encode(text, add_special_tokens=…)` and `decode`).
///
///     text ─added tokens (not normalized)→ pieces ─normalizers→ ─added tokens (normalized)→
///          ─pre-tokenizer→ words ─BPE model→ ids ─post-processor→ ids
///     ids ─decoder→ text
///
/// Sequences (`{"type": "Sequence", …}`) are flattened: a list of stages runs each in order.
/// What Tern does not implement is refused when reading, with the JSON path that says so: other
/// models (WordPiece, Unigram, WordLevel), BPE dropout, regex `Split`s other than the GPT-2 /
/// Llama 3 / Qwen2 ones, normalizers such as `Precompiled` or `BertNormalizer`. Single sequences
/// only (no pairs, no offsets); `truncation` and `padding` are batch settings and are ignored.
public struct TokenizerPipeline: Sendable, Equatable {
    /// `normalizer`, in order; empty for `null`.
    public var normalizers: [TextNormalizer]
    /// `pre_tokenizer`, in order; empty for `null` (each piece is one word).
    public var preTokenizers: [PreTokenizerStep]
    /// `model` (type `BPE`).
    public var model: BytePairModel
    /// `added_tokens`, with the ids HF gives them: the model's id for a text the vocabulary holds,
    /// else the next id past the vocabulary, in file order (HF ignores the ids the file states).
    public var addedTokens: [TokenizerJSON.AddedToken]
    /// Ids `post_processor` puts before the sequence when special tokens are added.
    public var prefix: [Int]
    /// Ids `post_processor` puts after the sequence when special tokens are added.
    public var suffix: [Int]
    /// `decoder`, in order; empty for `null` (HF then joins the tokens with spaces).
    public var decoders: [DecoderStep]

    public init(normalizers: [TextNormalizer] = [], preTokenizers: [PreTokenizerStep], model: BytePairModel,
                addedTokens: [TokenizerJSON.AddedToken] = [], prefix: [Int] = [], suffix: [Int] = [],
                decoders: [DecoderStep] = [.byteLevel]) {
        self.normalizers = normalizers
        self.preTokenizers = preTokenizers
        self.model = model
        self.addedTokens = addedTokens
        self.prefix = prefix
        self.suffix = suffix
        self.decoders = decoders
    }

    /// Number of token ids: the model's vocabulary and the added tokens past it.
    public var vocabularySize: Int {
        max(model.vocabulary.count, (addedTokens.map(\.id).max() ?? -1) + 1)
    }
}

/// HF's `BPE` model: merges by rank over a word's characters (or byte symbols after a
/// `ByteLevel` pre-tokenizer).
public struct BytePairModel: Sendable, Equatable {
    /// One merge: the two token texts whose concatenation becomes a token.
    public struct Merge: Sendable, Equatable {
        public var left: String
        public var right: String
        public init(_ left: String, _ right: String) {
            self.left = left
            self.right = right
        }
    }

    /// `vocab`: token texts by id 0..<n.
    public var vocabulary: [String]
    /// `merges` in rank order. Where a pair appears twice HF keeps the later rank.
    public var merges: [Merge]
    /// `byte_fallback`: a character outside the vocabulary becomes its UTF-8 bytes as `<0xXX>` tokens.
    public var byteFallback: Bool
    /// `unk_token`: what a character outside the vocabulary becomes otherwise (nil: it is dropped).
    public var unknownToken: String?
    /// `fuse_unk`: consecutive unknown characters become one unknown token.
    public var fuseUnknown: Bool
    /// `ignore_merges`: a word that is itself a token is not merged.
    public var ignoreMerges: Bool
    /// `continuing_subword_prefix`: put before every character but a word's first when looked up.
    public var continuingSubwordPrefix: String?
    /// `end_of_word_suffix`: put after a word's last character when looked up.
    public var endOfWordSuffix: String?

    public init(vocabulary: [String], merges: [Merge], byteFallback: Bool = false, unknownToken: String? = nil,
                fuseUnknown: Bool = false, ignoreMerges: Bool = false, continuingSubwordPrefix: String? = nil,
                endOfWordSuffix: String? = nil) {
        self.vocabulary = vocabulary
        self.merges = merges
        self.byteFallback = byteFallback
        self.unknownToken = unknownToken
        self.fuseUnknown = fuseUnknown
        self.ignoreMerges = ignoreMerges
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.endOfWordSuffix = endOfWordSuffix
    }

    /// The merges HF applies: where a pair repeats, only its last occurrence (a later rank
    /// overwrites an earlier one in HF's merge map); order otherwise kept.
    var effectiveMerges: [Merge] {
        // Keys are bytes: Swift strings compare canonically ("é" == "e\u{301}"), HF's do not.
        var seen = ByteStringTable(capacity: merges.count, arenaBytes: merges.count * 8)
        var key = [UInt8]()
        var keep = [Bool](repeating: true, count: merges.count)
        for (i, m) in merges.enumerated().reversed() {
            key.removeAll(keepingCapacity: true)
            key.append(contentsOf: m.left.utf8)
            key.append(0xFF)  // never in UTF-8
            key.append(contentsOf: m.right.utf8)
            if seen.insert(key, value: Int32(i)) != nil { keep[i] = false }
        }
        return keep.allSatisfy { $0 } ? merges : merges.indices.filter { keep[$0] }.map { merges[$0] }
    }
}
