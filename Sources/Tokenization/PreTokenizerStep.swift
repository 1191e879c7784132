/// One HF pre-tokenizer: how a normalized piece of text is cut into words. (`Sequence` is a
/// list of these, each applied to every piece the previous one made; empty pieces are dropped.)
public enum PreTokenizerStep: Sendable, Equatable {
    /// Byte-level BPE's step: a space before a piece that does not start with one (when asked),
    /// the GPT-2 split (when `useRegex`), then each word is seen as its UTF-8 bytes. Must be last.
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    /// `Split`: cut at the matches of a pattern, keeping them as `behavior` says; `invert` swaps
    /// what counts as a match.
    case split(SplitPattern, behavior: SplitBehavior, invert: Bool)
    /// `Metaspace`: spaces become `replacement` (`▁`), which is put before pieces as `prependScheme`
    /// says; with `split`, a piece is cut before each `replacement`.
    case metaspace(replacement: Unicode.Scalar, prependScheme: PrependScheme, split: Bool)
    /// `Digits`: numbers (general category N) cut out, each alone or as runs.
    case digits(individual: Bool)
    /// `Punctuation`: ASCII punctuation and general category P cut out as `behavior` says.
    case punctuation(SplitBehavior)
    /// `Whitespace`: runs of word characters and runs of other non-space characters; spaces dropped.
    case whitespace
    /// `WhitespaceSplit`: cut at White_Space code points, which are dropped.
    case whitespaceSplit
    /// `BertPreTokenizer`: `whitespaceSplit`, then each punctuation character alone.
    case bert
}

/// What a `Split` pre-tokenizer matches.
public enum SplitPattern: Sendable, Equatable {
    /// A literal text.
    case string(String)
    /// A regex Tern scans by hand: the GPT-2, Llama 3 and Qwen2 splits, recognised by their text.
    case regex(PreTokenizer)
}

/// What a split does with the matches of its pattern (HF's `SplitDelimiterBehavior`), e.g. for
/// `-` in `the-final--countdown`.
public enum SplitBehavior: String, Sendable, Equatable {
    /// `the`, `final`, `countdown`: matches are dropped.
    case removed = "Removed"
    /// `the`, `-`, `final`, `-`, `-`, `countdown`: matches are pieces.
    case isolated = "Isolated"
    /// `the-`, `final-`, `-`, `countdown`: a match joins the text before it.
    case mergedWithPrevious = "MergedWithPrevious"
    /// `the`, `-final`, `-`, `-countdown`: a match joins the text after it.
    case mergedWithNext = "MergedWithNext"
    /// `the`, `-`, `final`, `--`, `countdown`: consecutive matches form one piece.
    case contiguous = "Contiguous"
}

/// When `Metaspace` puts its replacement before a piece that does not start with it.
public enum PrependScheme: String, Sendable, Equatable {
    /// Only before the piece at the start of the input.
    case first
    /// Before every piece.
    case always
    /// Never.
    case never
}

extension PreTokenizer {
    /// The `Split` regex of each pattern HF files spell out, as they spell it.
    static let regexTexts: [(String, PreTokenizer)] = [
        (#"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#, .gpt2),
        // tiktoken's spelling of the same split (the contractions are exclusive, so order is moot).
        (#"'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#, .gpt2),
        (#"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#, .llama3),
        (#"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#, .qwen2),
    ]

    /// The pattern a `Split` regex is, if Tern knows it (compared as text, byte for byte).
    static func matching(regex: String) -> PreTokenizer? {
        regexTexts.first { Array($0.0.utf8) == Array(regex.utf8) }?.1
    }
}
