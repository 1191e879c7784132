/// The kind of a vocabulary entry, with the ids GGUF's `tokenizer.ggml.token_type` stores.
public enum TokenType: Int, Sendable, Equatable {
    /// No type given (0).
    case undefined = 0
    /// Ordinary text (1).
    case normal = 1
    /// The unknown-token placeholder (2).
    case unknown = 2
    /// Control token such as `<|im_start|>` (3).
    case control = 3
    /// Always-matched token such as Gemma's `\n\n` or `<table>` (4).
    case userDefined = 4
    /// Reserved slot (5).
    case unused = 5
    /// SentencePiece byte fallback `<0xXX>` (6).
    case byte = 6

    /// The type for a stored id; ids GGUF does not define read as `.undefined`, as in llama.cpp.
    public init(storedValue: Int) { self = TokenType(rawValue: storedValue) ?? .undefined }
}

/// Token ids a vocabulary names for special roles. `nil` means the file does not say.
public struct SpecialTokenIDs: Sendable, Equatable {
    /// Beginning of sequence (`tokenizer.ggml.bos_token_id`).
    public var bos: Int?
    /// End of sequence (`tokenizer.ggml.eos_token_id`).
    public var eos: Int?
    /// End of turn (`tokenizer.ggml.eot_token_id`).
    public var eot: Int?
    /// End of message (`tokenizer.ggml.eom_token_id`).
    public var eom: Int?
    /// Unknown token (`tokenizer.ggml.unknown_token_id`).
    public var unknown: Int?
    /// Separator (`tokenizer.ggml.seperator_token_id`, spelled as GGUF spells it).
    public var separator: Int?
    /// Padding (`tokenizer.ggml.padding_token_id`).
    public var padding: Int?
    /// Mask (`tokenizer.ggml.mask_token_id`).
    public var mask: Int?
    /// Fill-in-the-middle prefix (`tokenizer.ggml.fim_pre_token_id`).
    public var fimPrefix: Int?
    /// Fill-in-the-middle suffix (`tokenizer.ggml.fim_suf_token_id`).
    public var fimSuffix: Int?
    /// Fill-in-the-middle middle (`tokenizer.ggml.fim_mid_token_id`).
    public var fimMiddle: Int?
    /// Fill-in-the-middle padding (`tokenizer.ggml.fim_pad_token_id`).
    public var fimPad: Int?
    /// Fill-in-the-middle repository name (`tokenizer.ggml.fim_rep_token_id`).
    public var fimRepo: Int?
    /// Fill-in-the-middle file separator (`tokenizer.ggml.fim_sep_token_id`).
    public var fimSeparator: Int?

    /// No ids known.
    public init() {}
}

/// Everything a tokenizer is built from, in GGUF's terms, independent of the file format.
///
/// `Vocabulary(gguf:)` fills it from `tokenizer.ggml.*`; other formats (HF `tokenizer.json`) can
/// fill the same fields. Optional flags left `nil` take llama.cpp's default for the model.
public struct Vocabulary: Sendable, Equatable {
    /// Tokenizer algorithm, as `tokenizer.ggml.model` names it: `gpt2` (byte-level BPE) or `llama` (SentencePiece BPE).
    public var model: String
    /// Pre-tokenizer name (`tokenizer.ggml.pre`), used by byte-level BPE only; `nil` means llama.cpp's `default`.
    public var preTokenizer: String?
    /// Token texts, indexed by id.
    public var tokens: [String]
    /// Token kinds, indexed by id; empty means every token is `.normal`.
    public var tokenTypes: [TokenType]
    /// SentencePiece merge scores, indexed by id; empty means 0 for every token.
    public var scores: [Float]
    /// BPE merges in rank order, each `"left right"` in the byte-level alphabet.
    public var merges: [String]
    /// Ids of special-role tokens.
    public var special: SpecialTokenIDs
    /// Whether `encode(addSpecial: true)` prepends BOS; `nil` takes the model's default.
    public var addBOS: Bool?
    /// Whether `encode(addSpecial: true)` appends EOS; `nil` takes the model's default.
    public var addEOS: Bool?
    /// Whether SentencePiece text gets a leading space; `nil` takes the model's default.
    public var addSpacePrefix: Bool?
    /// Whether byte-level decoding removes spaces before `?!.,` and in ` 's` contractions
    /// (llama.cpp's clean-up); `nil` takes the pre-tokenizer's default. HF `tokenizers` never does.
    public var cleanSpaces: Bool?
    /// Whether a byte-level word that is itself a token skips merging (HF `ignore_merges`);
    /// `nil` takes the pre-tokenizer's default.
    public var ignoreMerges: Bool?
    /// Whether special ids left `nil` take llama.cpp's per-model defaults (byte-level BPE:
    /// BOS = EOS = 11). False for formats that name every special token they have (tokenizer.json).
    public var appliesDefaultSpecialIDs = true

    /// A vocabulary from its parts.
    public init(model: String, preTokenizer: String? = nil, tokens: [String], tokenTypes: [TokenType] = [],
                scores: [Float] = [], merges: [String] = [], special: SpecialTokenIDs = SpecialTokenIDs(),
                addBOS: Bool? = nil, addEOS: Bool? = nil, addSpacePrefix: Bool? = nil) {
        self.model = model
        self.preTokenizer = preTokenizer
        self.tokens = tokens
        self.tokenTypes = tokenTypes
        self.scores = scores
        self.merges = merges
        self.special = special
        self.addBOS = addBOS
        self.addEOS = addEOS
        self.addSpacePrefix = addSpacePrefix
    }
}
