/// The properties of a code point that pre-tokenizer patterns test: `\p{L}`, `\p{N}`, `\p{P}`,
/// `\s`. One byte of flags per code point.
///
/// llama.cpp classifies with tables generated from Unicode 15.1 (general category; `\s` =
/// the White_Space property). Swift's own data is newer, so code points assigned after 15.1
/// count as unassigned here, as they do in llama.cpp. Unassigned, control, format, private-use,
/// separator (non-space), mark and symbol code points are all "other" to `\p{L}`/`\p{N}`/`\s`.
/// HF `tokenizers`' regex engine (Oniguruma) knows Unicode 16, as Swift does: its splits use
/// `.current`, Swift's data uncapped.
enum CodepointClass {
    static let letter: UInt8 = 1
    static let number: UInt8 = 2
    static let whitespace: UInt8 = 4
    static let punctuation: UInt8 = 8

    /// Whose Unicode data classifies.
    enum Data: Sendable {
        /// llama.cpp's: Unicode 15.1.
        case llamaCpp
        /// Swift's own (HF tokenizers' Oniguruma agrees).
        case current
    }

    /// Flags of every Basic Multilingual Plane code point, built on first use (~6 ms each).
    private static let bmp: [UInt8] = (0..<0x10000).map { compute(UInt32($0)) }
    private static let currentBMP: [UInt8] = (0..<0x10000).map { compute(UInt32($0), data: .current) }

    /// Flags of a code point.
    @inline(__always)
    static func flags(_ v: UInt32, _ data: Data = .llamaCpp) -> UInt8 {
        if v < 0x80 { return ascii[Int(v)] }
        switch data {
        case .llamaCpp: return v < 0x10000 ? bmp[Int(v)] : compute(v)
        case .current: return v < 0x10000 ? currentBMP[Int(v)] : compute(v, data: .current)
        }
    }

    /// ASCII is hot; a literal table avoids the lazy-global check on every character.
    private static let ascii: [UInt8] = (0..<0x80).map { compute(UInt32($0)) }

    static func compute(_ v: UInt32, data: Data = .llamaCpp) -> UInt8 {
        guard let s = Unicode.Scalar(v) else { return 0 }  // surrogates
        let p = s.properties
        var f: UInt8 = p.isWhitespace ? whitespace : 0
        if data == .llamaCpp {
            guard let age = p.age, age.major < 15 || (age.major == 15 && age.minor <= 1) else { return f }
        }
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            f |= letter
        case .decimalNumber, .letterNumber, .otherNumber:
            f |= number
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            f |= punctuation
        default:
            break
        }
        return f
    }
}
