/// How a token behaves in encoding and decoding; the bit values are llama.cpp's `llama_token_attr`.
///
/// Built from the GGUF token type, then adjusted by llama.cpp's text rules (e.g. `<|im_end|>` is
/// made control, `<unused3>` unused), so they equal `llama_vocab_get_attr` for the same file.
public struct TokenAttributes: OptionSet, Sendable, Hashable {
    /// The bits, as llama.cpp numbers them.
    public let rawValue: UInt16
    /// Attributes from their llama.cpp bit values.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The unknown-token placeholder.
    public static let unknown = TokenAttributes(rawValue: 1 << 0)
    /// Reserved slot that never appears in text.
    public static let unused = TokenAttributes(rawValue: 1 << 1)
    /// An ordinary piece of text.
    public static let normal = TokenAttributes(rawValue: 1 << 2)
    /// A control token: matched in text only when parsing specials, rendered only on request.
    public static let control = TokenAttributes(rawValue: 1 << 3)
    /// A user-defined token: always matched in text before the main algorithm, always rendered.
    public static let userDefined = TokenAttributes(rawValue: 1 << 4)
    /// A SentencePiece byte-fallback token `<0xXX>`.
    public static let byte = TokenAttributes(rawValue: 1 << 5)
    /// Text normalized before matching (not used by GGUF vocabularies).
    public static let normalized = TokenAttributes(rawValue: 1 << 6)
    /// Whitespace to the left of the token is removed when it is matched.
    public static let leftStrip = TokenAttributes(rawValue: 1 << 7)
    /// Whitespace to the right of the token is removed when it is matched.
    public static let rightStrip = TokenAttributes(rawValue: 1 << 8)
    /// Matched only as a whole word.
    public static let singleWord = TokenAttributes(rawValue: 1 << 9)

    /// The attributes llama.cpp starts from for a GGUF token type.
    public init(_ type: TokenType) {
        switch type {
        case .undefined: self = []
        case .normal: self = .normal
        case .unknown: self = .unknown
        case .control: self = .control
        case .userDefined: self = .userDefined
        case .unused: self = .unused
        case .byte: self = .byte
        }
    }
}
