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
        pending.append(contentsOf: piece)
        let cut = tokenizer.cleanSpaces ? Self.cleanCut(pending) : Self.completePrefix(pending)
        guard cut > 0 else { return "" }
        let done = tokenizer.cleanSpaces ? Tokenizer.removingTokenizationSpaces(Array(pending[..<cut]))
                                         : Array(pending[..<cut])
        pending.removeFirst(cut)
        return String(decoding: done, as: UTF8.self)
    }

    /// Returns whatever is still held (incomplete sequences become U+FFFD, as in `decode`).
    public mutating func flush() -> String {
        let done = tokenizer.cleanSpaces ? Tokenizer.removingTokenizationSpaces(pending) : pending
        pending.removeAll()
        return String(decoding: done, as: UTF8.self)
    }

    /// For vocabularies that clean spaces: the longest prefix that cleans the same alone as
    /// inside the whole text. Cleaning looks at most two bytes past a space or apostrophe, so a
    /// cut after three bytes that are neither is safe (and cleaning never touches other bytes).
    /// Where the last 64 bytes offer no such cut (a run of spaces), the bytes wait.
    static func cleanCut(_ bytes: [UInt8]) -> Int {
        var m = completePrefix(bytes)
        let lowest = max(3, bytes.count - 64)  // look only near the end: linear time overall
        while m >= lowest {
            let tail = bytes[(m - 3)..<m]
            if !tail.contains(0x20) && !tail.contains(0x27) && completePrefix(bytes[..<m]) == m { return m }
            m -= 1
        }
        return 0
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
