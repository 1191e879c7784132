/// The bytes of every token as llama.cpp's `token_to_piece(special: true)` gives them, back to
/// back (llama.cpp caches the same at load time; decoding is then a copy per token).
enum PieceTable {
    /// bytes: all pieces; starts: (n + 1) offsets, piece k = bytes[starts[k] ..< starts[k + 1]].
    static func build(texts: [String], attributes: [TokenAttributes], byteLevel: Bool) -> ([UInt8], [Int32]) {
        var bytes = [UInt8]()
        bytes.reserveCapacity(texts.count * 8)
        var starts = [Int32](repeating: 0, count: texts.count + 1)
        for (id, text) in texts.enumerated() {
            appendPiece(text: text, attributes: attributes[id], byteLevel: byteLevel, to: &bytes)
            starts[id + 1] = Int32(bytes.count)
        }
        return (bytes, starts)
    }

    /// Control, unknown and user-defined tokens: their text. Normal tokens: the bytes a
    /// byte-level text stands for, or the SentencePiece text with `▁` as a space. Byte tokens
    /// `<0xAB>`: that byte. Anything else (unused, undefined): nothing.
    static func appendPiece(text: String, attributes a: TokenAttributes, byteLevel: Bool, to out: inout [UInt8]) {
        if !a.isDisjoint(with: [.unknown, .control, .userDefined]) {
            out.append(contentsOf: text.utf8)
        } else if a.contains(.normal) {
            if byteLevel {
                out.append(contentsOf: ByteLevelAlphabet.render(text))
                return
            }
            // "▁" (E2 96 81) stands for a space.
            var t = text
            t.withUTF8 { u in
                var i = 0
                while i < u.count {
                    if i + 2 < u.count && u[i] == 0xE2 && u[i + 1] == 0x96 && u[i + 2] == 0x81 {
                        out.append(0x20); i += 3
                    } else {
                        out.append(u[i]); i += 1
                    }
                }
            }
        } else if a.contains(.byte) {
            // "<0xAB>": the two hex digits after "<0x" (strtol semantics: invalid → 0).
            var value = 0
            for c in text.utf8.dropFirst(3).prefix(2) {
                guard let d = hexValue(c) else { break }
                value = value * 16 + d
            }
            out.append(UInt8(truncatingIfNeeded: value))
        }
    }

    private static func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case 0x30...0x39: return Int(c - 0x30)
        case 0x41...0x46: return Int(c - 0x41 + 10)
        case 0x61...0x66: return Int(c - 0x61 + 10)
        default: return nil
        }
    }
}
