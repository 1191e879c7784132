/// The settings of a BERT WordPiece tokenizer: HF's `BertNormalizer` + `BertPreTokenizer` +
/// `WordPiece` model + the `[CLS] … [SEP]` template, with sentence-transformers' truncation.
///
/// Defaults are those of the uncased BERT vocabularies (all-MiniLM-L6-v2 among them).
public struct WordPieceConfig: Codable, Sendable, Equatable {
    /// Drop control characters, NUL and U+FFFD; map every whitespace character to a space (BERT: true).
    public var cleanText: Bool = true
    /// Make each CJK ideograph a word of its own, as BERT's vocabulary expects (BERT: true).
    public var handleChineseCharacters: Bool = true
    /// Lowercase with each code point's full mapping (uncased models: true).
    public var lowercase: Bool = true
    /// NFD, then drop nonspacing marks (Mn). `nil` follows `lowercase`, as HF and BERT do.
    public var stripAccents: Bool? = nil
    /// Words with more code points than this become one `unknownToken` (HF: 100).
    public var maxInputCharsPerWord: Int = 100
    /// The prefix of vocabulary entries that continue a word (HF: `##`).
    public var continuationPrefix: String = "##"
    /// The token for words the vocabulary cannot spell.
    public var unknownToken: String = "[UNK]"
    /// Put before every sequence.
    public var classToken: String = "[CLS]"
    /// Put after every sequence.
    public var separatorToken: String = "[SEP]"
    /// Texts matched literally in the raw input before normalization, each becoming its own id
    /// (HF's added tokens; "x[MASK]y" gives x, [MASK], y). Loaded from tokenizer.json's
    /// `added_tokens` when present. Each must be in the vocabulary.
    public var specialTokens: [String] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    /// Longest output in tokens, `[CLS]` and `[SEP]` included; longer texts lose their tail.
    /// sentence-transformers' `max_seq_length` (256 for all-MiniLM-L6-v2) overrides the 128 of
    /// the model's tokenizer.json.
    public var maxSequenceLength: Int = 256

    /// The defaults above.
    public init() {}

    /// Whether accents are stripped: `stripAccents`, or `lowercase` when that is nil.
    public var stripsAccents: Bool { stripAccents ?? lowercase }
}
