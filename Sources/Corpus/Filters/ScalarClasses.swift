/// Character classes the English word splitter and the quality filters test, one bit each,
/// looked up in one table for the Basic Multilingual Plane (64 Ki entries, 128 KiB) and
/// computed on demand above it. Classes come from spaCy's and datatrove's data
/// (`SpacyEnglishTables`) or from Python's own Unicode predicates, mirrored with Swift's
/// Unicode properties (the two may differ on characters newer than Python's Unicode version).
struct ScalarClasses: Sendable {
    /// spaCy `ALPHA`.
    static let alpha: UInt32 = 1 << 0
    /// spaCy `ALPHA_LOWER`.
    static let alphaLower: UInt32 = 1 << 1
    /// spaCy `ALPHA_UPPER`.
    static let alphaUpper: UInt32 = 1 << 2
    /// spaCy `CONCAT_QUOTES`.
    static let quote: UInt32 = 1 << 3
    /// spaCy `ICONS` (symbols, emoji), a prefix, suffix and infix on their own.
    static let icon: UInt32 = 1 << 4
    /// A one-character prefix alternative of spaCy's English prefix rules.
    static let prefixChar: UInt32 = 1 << 5
    /// A one-character, context-free suffix alternative of spaCy's English suffix rules.
    static let suffixChar: UInt32 = 1 << 6
    /// The look-behind class of spaCy's suffix rule that splits a final `.`.
    static let periodSuffixAfter: UInt32 = 1 << 7
    /// Python `str.isspace` (what spaCy splits chunks on and `str.strip` removes).
    static let space: UInt32 = 1 << 8
    /// datatrove `PUNCTUATION_SET`.
    static let datatrovePunctuation: UInt32 = 1 << 9
    /// Python `str.isalpha` (general category L*).
    static let pythonAlpha: UInt32 = 1 << 10
    /// General category P* (spaCy's `is_punct` asks it of every character of a token).
    static let unicodePunctuation: UInt32 = 1 << 11
    /// spaCy sentencizer's default `punct_chars`.
    static let sentencePunct: UInt32 = 1 << 12
    /// datatrove `TERMINAL_PUNCTUATION`.
    static let terminalPunctuation: UInt32 = 1 << 13
    /// Python regex `\d` on str patterns (general category Nd).
    static let decimalDigit: UInt32 = 1 << 14
    /// Python regex `\w` on str patterns (alphanumeric or `_`).
    static let word: UInt32 = 1 << 15
    /// Python `str.splitlines` line boundaries.
    static let lineBreak: UInt32 = 1 << 16

    /// The shared table, built once (about 2 ms).
    static let shared = ScalarClasses()

    private let bmp: [UInt32]

    private init() {
        var table = [UInt32](repeating: 0, count: 0x10000)
        for c in 0..<0x10000 { table[c] = Self.propertyBits(UInt32(c)) }
        for (ranges, bit) in Self.rangeClasses {
            var i = 0
            while i + 1 < ranges.count {
                let lo = ranges[i], hi = min(ranges[i + 1], 0xFFFF)
                if lo <= hi { for c in Int(lo)...Int(hi) { table[c] |= bit } }
                i += 2
            }
        }
        bmp = table
    }

    private static let rangeClasses: [([UInt32], UInt32)] = [
        (SpacyEnglishTables.alpha, alpha), (SpacyEnglishTables.alphaLower, alphaLower),
        (SpacyEnglishTables.alphaUpper, alphaUpper), (SpacyEnglishTables.quote, quote),
        (SpacyEnglishTables.icon, icon), (SpacyEnglishTables.prefixChar, prefixChar),
        (SpacyEnglishTables.suffixChar, suffixChar), (SpacyEnglishTables.periodSuffixAfter, periodSuffixAfter),
        (SpacyEnglishTables.datatrovePunctuation, datatrovePunctuation),
        (SpacyEnglishTables.datatroveTerminal, terminalPunctuation),
        (SpacyEnglishTables.sentencePunct, sentencePunct),
    ]

    /// The class bits of scalar value `c` (any UInt32; values that are not scalars have none).
    @inline(__always)
    func bits(_ c: UInt32) -> UInt32 {
        if c < 0x10000 { return bmp[Int(c)] }
        return Self.astralBits(c)
    }

    /// Whether `c` belongs to any class of `mask`.
    @inline(__always)
    func has(_ c: UInt32, _ mask: UInt32) -> Bool { bits(c) & mask != 0 }

    private static func astralBits(_ c: UInt32) -> UInt32 {
        var b = propertyBits(c)
        for (ranges, bit) in rangeClasses where contains(ranges, c) { b |= bit }
        return b
    }

    private static func contains(_ ranges: [UInt32], _ c: UInt32) -> Bool {
        var lo = 0, hi = ranges.count / 2
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[2 * mid + 1] < c { lo = mid + 1 } else { hi = mid }
        }
        return lo < ranges.count / 2 && ranges[2 * lo] <= c
    }

    /// The classes Python defines through Unicode properties.
    private static func propertyBits(_ c: UInt32) -> UInt32 {
        guard let s = Unicode.Scalar(c) else { return 0 }
        var b: UInt32 = 0
        if isPythonSpace(c) { b |= space }
        switch c {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029: b |= lineBreak
        default: break
        }
        let p = s.properties
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            b |= pythonAlpha | word
        case .decimalNumber:
            b |= decimalDigit | word
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            b |= unicodePunctuation
        default: break
        }
        if p.numericType != nil { b |= word }
        if c == 0x5F { b |= word }
        return b
    }

    /// Python's `str.isspace`: bidirectional class WS, B or S, or category Zs.
    private static func isPythonSpace(_ c: UInt32) -> Bool {
        switch c {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029,
             0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }
}
