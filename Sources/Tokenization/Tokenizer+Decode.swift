extension Tokenizer {
    /// The bytes of one token as `llama_token_to_piece` gives them: byte-level tokens decoded to
    /// their bytes, `▁` as a space, `<0xXX>` as its byte. With `renderSpecial` false, control
    /// and unknown tokens give nothing. Empty for an id out of range. A piece can be a partial
    /// UTF-8 sequence (byte fallback, CJK in small BPE vocabularies).
    public func piece(_ id: Int, renderSpecial: Bool = true) -> [UInt8] {
        Array(pieceSlice(id, renderSpecial: renderSpecial))
    }

    @inline(__always)
    func pieceSlice(_ id: Int, renderSpecial: Bool) -> ArraySlice<UInt8> {
        guard id >= 0 && id < vocabularySize else { return [] }
        if !renderSpecial && !attributes[id].isDisjoint(with: [.control, .unknown]) { return [] }
        return pieceBytes[Int(pieceStarts[id])..<Int(pieceStarts[id + 1])]
    }

    /// Text for `ids`, as `llama_detokenize(..., remove_special: false, unparse_special: renderSpecial)`;
    /// bytes that are not valid UTF-8 become U+FFFD. Ids out of range are skipped (llama.cpp aborts).
    public func decode(_ ids: [Int], renderSpecial: Bool = false) -> String {
        String(decoding: decodedBytes(ids, renderSpecial: renderSpecial), as: UTF8.self)
    }

    /// The exact bytes `llama_detokenize` produces (which may not be valid UTF-8); for a
    /// `tokenizer.json` pipeline, HF's `decode(ids, skip_special_tokens: !renderSpecial)`.
    public func decodedBytes(_ ids: [Int], renderSpecial: Bool = false) -> [UInt8] {
        if case .pipeline(let p) = engine { return Array(p.decode(ids, skipSpecial: !renderSpecial).utf8) }
        var out = [UInt8]()
        out.reserveCapacity(ids.count * 6)
        var stripLeadingSpace = addSpacePrefix  // the space SentencePiece put before the text
        let hidden: TokenAttributes = renderSpecial ? [] : [.control, .unknown]
        pieceBytes.withUnsafeBufferPointer { bytes in
            pieceStarts.withUnsafeBufferPointer { starts in
                attributes.withUnsafeBufferPointer { attrs in
                    for id in ids {
                        defer { stripLeadingSpace = false }
                        guard id >= 0 && id < vocabularySize, attrs[id].isDisjoint(with: hidden) else { continue }
                        var start = Int(starts[id])
                        let end = Int(starts[id + 1])
                        if stripLeadingSpace && start < end && bytes[start] == 0x20 { start += 1 }
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
                    }
                }
            }
        }
        return cleanSpaces ? Self.removingTokenizationSpaces(out) : out
    }

    /// llama.cpp's `clean_spaces` pass for vocabularies that ask for it: drop the space in
    /// ` ?`, ` !`, ` .`, ` ,`; turn ` ' ` into `'`; drop the space in ` 's`, ` 'm`, ` 're`, ` 've`.
    static func removingTokenizationSpaces(_ text: [UInt8]) -> [UInt8] {
        let space: UInt8 = 0x20, quote: UInt8 = 0x27
        guard !text.isEmpty else { return text }
        // 1: space before ? ! . ,
        var a = [text[0]]
        a.reserveCapacity(text.count)
        for i in 1..<text.count {
            let x = text[i]
            if text[i - 1] == space && (x == 0x3F || x == 0x21 || x == 0x2E || x == 0x2C) { a.removeLast() }
            a.append(x)
        }
        // 2: " ' " → "'" (the space after is dropped and reads as NUL to the next step)
        var b = [a[0]]
        var i = 1
        while i < a.count {
            let x = a[i]
            if x == quote && i + 1 < a.count && a[i - 1] == space && a[i + 1] == space {
                b.removeLast()
                a[i + 1] = 0
                b.append(x)
                i += 2
                continue
            }
            b.append(x)
            i += 1
        }
        // 3: " 's", " 'm", " 're", " 've" lose the space
        var c = [b[0]]
        for i in 1..<b.count {
            let x = b[i]
            if b[i - 1] == space && x == quote && i + 1 < b.count {
                let x1 = b[i + 1]
                if x1 == 0x73 || x1 == 0x6D {
                    c.removeLast()
                } else if x1 != 0x74 && x1 != 0x64 && i + 2 < b.count {
                    let x2 = b[i + 2]
                    if (x1 == 0x72 || x1 == 0x76) && x2 == 0x65 { c.removeLast() }
                }
            }
            c.append(x)
        }
        return c
    }
}
