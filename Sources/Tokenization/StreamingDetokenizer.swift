/// Turns generated token ids into text as they arrive, returning only whole characters.
///
/// A token's bytes can end inside a UTF-8 sequence (byte-fallback tokens, CJK split into bytes
/// by small BPE vocabularies); those bytes wait until the sequence completes. The pieces returned
/// by `push` and `flush` concatenate to `tokenizer.decode(allIDs, renderSpecial:)`.
public struct StreamingDetokenizer: Sendable {
    /// The tokenizer whose pieces are joined.
    public let tokenizer: Tokenizer
    /// Whether control tokens are rendered (as in `decode`).
    public let renderSpecial: Bool
    /// Bytes received but not yet returned.
    private var pending: [UInt8] = []
    private var sawFirstToken = false
    /// For vocabularies that clean spaces: everything so far, and how much of its cleaned form
    /// was returned (cleaning looks a few bytes back, so the cleaned tail is held).
    private var all: [UInt8] = []
    private var returned = 0

    /// A detokenizer for one generated sequence.
    public init(tokenizer: Tokenizer, renderSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.renderSpecial = renderSpecial
    }

    /// Adds one token; returns the text that is now complete (often empty).
    public mutating func push(_ id: Int) -> String {
        var piece = tokenizer.pieceSlice(id, renderSpecial: renderSpecial)
        if !sawFirstToken && tokenizer.addSpacePrefix && piece.first == 0x20 { piece = piece.dropFirst() }
        sawFirstToken = true
        if tokenizer.cleanSpaces {
            all.append(contentsOf: piece)
            let cleaned = Tokenizer.removingTokenizationSpaces(all)
            // Cleaning decides a byte from at most 3 bytes after it: hold the last 4.
            return take(cleaned, upTo: max(returned, cleaned.count - 4))
        }
        pending.append(contentsOf: piece)
        let cut = Self.completePrefix(pending)
        guard cut > 0 else { return "" }
        let text = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }

    /// Returns whatever is still held (incomplete sequences become U+FFFD, as in `decode`).
    public mutating func flush() -> String {
        if tokenizer.cleanSpaces {
            let cleaned = Tokenizer.removingTokenizationSpaces(all)
            return take(cleaned, upTo: cleaned.count, final: true)
        }
        let text = String(decoding: pending, as: UTF8.self)
        pending.removeAll()
        return text
    }

    private mutating func take(_ cleaned: [UInt8], upTo limit: Int, final: Bool = false) -> String {
        let end = final ? limit : returned + Self.completePrefix(cleaned[returned..<limit])
        guard end > returned else { return "" }
        let text = String(decoding: cleaned[returned..<end], as: UTF8.self)
        returned = end
        return text
    }

    /// Length of the longest prefix that does not end inside a UTF-8 sequence that could still
    /// complete. Cutting before a lead byte never changes how the whole decodes.
    static func completePrefix<C: Collection<UInt8>>(_ bytes: C) -> Int where C.Index == Int {
        let end = bytes.endIndex
        var i = end - 1
        // Walk back over at most 3 continuation bytes to the lead byte of the last sequence.
        while i >= bytes.startIndex && i > end - 4 && bytes[i] & 0xC0 == 0x80 { i -= 1 }
        guard i >= bytes.startIndex else { return end - bytes.startIndex }
        let lead = bytes[i]
        let need: Int
        switch lead {
        case 0xC2...0xDF: need = 2
        case 0xE0...0xEF: need = 3
        case 0xF0...0xF4: need = 4
        default: return end - bytes.startIndex  // ASCII or a byte that can never start a sequence
        }
        return end - i < need ? i - bytes.startIndex : end - bytes.startIndex
    }
}
