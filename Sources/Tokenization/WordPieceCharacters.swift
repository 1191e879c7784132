/// BERT's character classes, as HF's `BertNormalizer` and `BertPreTokenizer` test them.
enum WordPieceCharacters {
    /// Whitespace: `\t`, `\n`, `\r`, or the White_Space property (Rust's `char::is_whitespace`).
    @inline(__always)
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v == 0x20 || (v >= 0x09 && v <= 0x0D) }
        return s.properties.isWhitespace
    }

    /// Removed by `clean_text`: NUL, U+FFFD, and the categories Cc, Cf, Cs, Co except `\t`,
    /// `\n`, `\r` (which are whitespace). Unassigned code points (Cn) are kept, as HF keeps them
    /// (they become `[UNK]`); BERT's Python original drops them.
    @inline(__always)
    static func isRemoved(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || v == 0x7F }
        if v == 0xFFFD { return true }
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse: return true
        default: return false
        }
    }

    /// BERT's punctuation: the ASCII ranges 33–47, 58–64, 91–96, 123–126 (which include `$`, `+`,
    /// `^`, `` ` `` and friends that Unicode calls symbols), or any Unicode P* category.
    @inline(__always)
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 {
            return (v >= 33 && v <= 47) || (v >= 58 && v <= 64) || (v >= 91 && v <= 96) || (v >= 123 && v <= 126)
        }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    /// The CJK ideograph blocks BERT isolates (Unified Ideographs, Extensions A–E, and the two
    /// compatibility blocks). Hiragana, katakana and hangul are not in them.
    @inline(__always)
    static func isChineseCharacter(_ v: UInt32) -> Bool {
        (v >= 0x4E00 && v <= 0x9FFF) || (v >= 0x3400 && v <= 0x4DBF) || (v >= 0x20000 && v <= 0x2A6DF)
            || (v >= 0x2A700 && v <= 0x2B73F) || (v >= 0x2B740 && v <= 0x2B81F) || (v >= 0x2B820 && v <= 0x2CEAF)
            || (v >= 0xF900 && v <= 0xFAFF) || (v >= 0x2F800 && v <= 0x2FA1F)
    }

    /// Nonspacing marks, which accent stripping drops after NFD.
    @inline(__always)
    static func isNonspacingMark(_ s: Unicode.Scalar) -> Bool {
        s.value >= 0x300 && s.properties.generalCategory == .nonspacingMark
    }
}
