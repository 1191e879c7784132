/// Whether text looks like UTF-8 that was read as Windows-1252 / Latin-1: the repair only
/// acts on text that shows such evidence, so that correct text in any language is left alone.
///
/// A UTF-8 lead byte read as Latin-1 is a letter `Â`…`ô`; its continuation bytes read back as
/// `€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ` or `U+00A0`…`¿`. Evidence is a lead letter directly followed by
/// such a character, unless the pair is common in correct text (a letter before `–`, `…`,
/// `’`, a no-break space …); `Â Ã Î Ð` followed by one are evidence almost always; a C1
/// control is evidence; so is a currency or number sign directly followed by a lowercase
/// accented letter, and a lowercase letter followed by `Ã` or `Â` and a space.
enum MojibakeEvidence {
    /// Continuation characters that often follow a letter in correct text.
    static let common: Set<UInt32> = [0xA0, 0xAD, 0xB7, 0xB4, 0x2013, 0x2014, 0x2026, 0x2019]
    /// Continuation characters that can end a capital letter plausibly when the pair is seen
    /// alone, out of context (`Ã¥`, `Å‚`, `Ùˆ`): not evidence for an isolated fragment.
    static let weakAfterCapital: Set<UInt32> = [0x201A, 0x02C6, 0x2122, 0xAE, 0xA5, 0xA1]
    /// Currency and number signs that never directly precede a lowercase accented letter.
    static let signs: Set<UInt32> = [0xA2, 0xA3, 0xA5, 0x20AC, 0xB1, 0xB2, 0xB3, 0xB9, 0xBC, 0xBD, 0xBE, 0xD7, 0xF7, 0xB5, 0xB0]
    /// `Â Ã Î Ð`: capitals that, directly before a continuation character, are nearly always
    /// the lead byte of a UTF-8 sequence (except before `…` and `’`).
    static let strongLeads: Set<UInt32> = [0xC2, 0xC3, 0xCE, 0xD0]

    /// UTF-8 sequence length announced by the byte `scalar` was misread from (0: not a lead).
    @inline(__always)
    static func sequenceLength(_ scalar: Unicode.Scalar) -> Int {
        guard let b = Windows1252.byte(scalar) else { return 0 }
        switch b {
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return 0
        }
    }

    /// Whether `scalar` is what a UTF-8 continuation byte (0x80–0xBF) was misread as.
    @inline(__always)
    static func isContinuation(_ scalar: Unicode.Scalar) -> Bool {
        guard let b = Windows1252.byte(scalar) else { return false }
        return b >= 0x80 && b <= 0xBF
    }

    /// True when `scalars` show mojibake evidence. `isolated`: the scalars are a fragment cut
    /// out of a longer text, where capital + `weakAfterCapital` pairs are not enough.
    static func isBad(_ scalars: ArraySlice<Unicode.Scalar>, isolated: Bool = false) -> Bool {
        var i = scalars.startIndex
        while i < scalars.endIndex {
            let c = scalars[i], v = c.value
            if v >= 0x80 && v <= 0x9F { return true }
            // "voilÃ le": a lowercase letter, then Ã/Â whose no-break space was flattened to a space.
            if v >= 0x61 && v <= 0x7A && i + 2 < scalars.endIndex && (scalars[i + 1] == "Ã" || scalars[i + 1] == "Â")
                && scalars[i + 2] == " " { return true }
            if i + 1 < scalars.endIndex {
                let y = scalars[i + 1]
                if signs.contains(v) && y.value >= 0xC0 && y.value < 0x180 && y.properties.isLowercase { return true }
                if sequenceLength(c) > 0 && isContinuation(y) {
                    if strongLeads.contains(v) && y.value != 0x2026 && y.value != 0x2019 { return true }
                    if !common.contains(y.value)
                        && !(isolated && weakAfterCapital.contains(y.value) && c.properties.isUppercase) { return true }
                }
            }
            i += 1
        }
        return false
    }
}
