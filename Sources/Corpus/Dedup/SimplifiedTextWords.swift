/// Words of a `TextSimplifier` output, split as datatrove's English word tokenizer
/// (`spacy.blank("en")`) splits them, for the rules that can still fire after simplification:
/// whitespace; spaCy's contraction exceptions written without apostrophe ("cannot" → "can" "not",
/// "dont" → "do" "nt"); a unit or currency after a digit ("0km" → "0" "km"); and the symbols
/// spaCy cuts off as prefixes, suffixes or infixes (So symbols, "°" too; `< > =` between
/// letters) that datatrove's punctuation list leaves in ("¿que" → "¿" "que") or that NFD brings
/// back ("≠0" → "=0" → "=" "0").
///
/// This is an approximation of spaCy limited to simplified text; any other splitter (a full
/// spaCy-compatible one) can be handed to `MinHasher` instead.
public enum SimplifiedTextWords {
    /// The words of `simplified` as substrings of it, in order.
    public static func split(_ simplified: String) -> [Substring] {
        // Split on U+0020 scalars (not Characters: a space followed by a mark is still a space).
        var words = [Substring]()
        let scalars = simplified.unicodeScalars
        var start = scalars.startIndex
        for i in scalars.indices where scalars[i] == " " {
            if start < i { splitToken(simplified[start ..< i], into: &words) }
            start = scalars.index(after: i)
        }
        if start < scalars.endIndex { splitToken(simplified[start...], into: &words) }
        return words
    }

    static func splitToken(_ token: Substring, into words: inout [Substring]) {
        var rest = token
        var suffixes = [Substring]()
        while !rest.isEmpty {
            if let pieces = exceptionPieces[String(rest)] {
                var start = rest.startIndex
                for length in pieces {
                    let end = rest.index(start, offsetBy: length)
                    words.append(rest[start ..< end])
                    start = end
                }
                rest = rest[rest.endIndex...]
                break
            }
            if let first = rest.unicodeScalars.first, rest.unicodeScalars.count > 1, isPrefixSymbol(first) {
                let end = rest.unicodeScalars.index(after: rest.unicodeScalars.startIndex)
                words.append(rest[..<end]); rest = rest[end...]
                continue
            }
            if rest.unicodeScalars.count > 1, let cut = suffixStart(rest) {
                suffixes.append(rest[cut...]); rest = rest[..<cut]
                continue
            }
            if let infix = infixStart(rest), rest.unicodeScalars.count > 1 {
                let after = rest.unicodeScalars.index(after: infix)
                if infix > rest.startIndex { words.append(rest[..<infix]) }
                words.append(rest[infix ..< after])
                rest = rest[after...]
                continue
            }
            words.append(rest)
            break
        }
        words.append(contentsOf: suffixes.reversed())
    }

    /// Where a suffix spaCy would cut begins: a trailing punctuation/quote/icon scalar, or a
    /// unit or currency right after an ASCII digit.
    static func suffixStart(_ s: Substring) -> Substring.Index? {
        let scalars = s.unicodeScalars
        if let last = scalars.last, isSuffixSymbol(last) { return scalars.index(before: scalars.endIndex) }
        var i = scalars.index(after: scalars.startIndex)
        while i < scalars.endIndex {
            let previous = scalars[scalars.index(before: i)]
            if previous.value >= 0x30 && previous.value <= 0x39 {
                let tail = String(String.UnicodeScalarView(scalars[i...]))
                if units.contains(tail) || currencies.contains(tail) { return i }
            }
            i = scalars.index(after: i)
        }
        return nil
    }

    /// The first infix spaCy would cut: a So symbol anywhere, or one of `< > =` between a
    /// letter or digit and a letter ("a=b" → "a" "=" "b"; "a=0" stays whole).
    static func infixStart(_ s: Substring) -> Substring.Index? {
        let scalars = s.unicodeScalars
        var previous: Unicode.Scalar?
        for i in scalars.indices {
            let c = scalars[i]
            if isIcon(c) { return i }
            if c == "<" || c == ">" || c == "=", let p = previous, isLetter(p) || (p.value >= 0x30 && p.value <= 0x39) {
                let next = scalars.index(after: i)
                if next < scalars.endIndex && isLetter(scalars[next]) { return i }
            }
            previous = c
        }
        return nil
    }

    static func isLetter(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// Category So (spaCy's `LIST_ICONS`, `[\p{So}--[°]]`: spaCy means to spare "°", but its
    /// compiled pattern still cuts it: "0°" → "0" "°", "x°y" → "x" "°" "y").
    static func isIcon(_ c: Unicode.Scalar) -> Bool {
        c.value >= 0x80 && c.properties.generalCategory == .otherSymbol
    }
    // `=`, `<`, `>` are removed by simplification but come back from NFD: "≠" = "=" + U+0338.
    static func isPrefixSymbol(_ c: Unicode.Scalar) -> Bool {
        c == "=" || c == "<" || c == ">"
            || c.value >= 0x80 && (punctuation.contains(c) || currencies.contains(String(c)) || c == "§" || isIcon(c))
    }
    static func isSuffixSymbol(_ c: Unicode.Scalar) -> Bool {
        c == "<" || c == ">" || c.value >= 0x80 && (punctuation.contains(c) || isIcon(c))
    }

    /// spaCy's punctuation and quote characters that datatrove's `PUNCTUATION` does not remove.
    static let punctuation: Set<Unicode.Scalar> = Set("¿؟¡·।،۔؛٪‘‚『』〔〕〈〉⟦⟧".unicodeScalars)
    /// spaCy's currency symbols (after simplification, so without `$`).
    static let currencies: Set<String> = Set("£ € ¥ ฿ ₽ ﷼ ₴ ₠ ₡ ₢ ₣ ₤ ₥ ₦ ₧ ₨ ₩ ₪ ₫ ₭ ₮ ₯ ₰ ₱ ₲ ₳ ₵ ₶ ₷ ₸ ₹ ₺ ₻ ₼ ₾ ₿"
        .split(separator: " ").map(String.init))
    /// spaCy's units that survive lowercasing and punctuation removal.
    static let units: Set<String> = Set(("km km² km³ m m² m³ dm dm² dm³ cm cm² cm³ mm mm² mm³ ha µm nm yd in ft "
        + "kg g mg µg t lb oz kmh mph mbar mb kb gb tb км км² км³ м м² м³ дм дм² дм³ см см² см³ мм мм² мм³ "
        + "нм кг г мг кб мб гб тбكم كم² كم³ م م² م³ سم سم² سم³ مم مم² مم³ كم غرام جرام جم كغ ملغ كوب اكواب")
        .split(separator: " ").map(String.init))

    /// spaCy English tokenizer exceptions whose key has no punctuation left after
    /// simplification and splits into several tokens (151 entries), as "piece piece ..." lists;
    /// regenerate with scripts/corpus/spacy_simplified_exceptions.py.
    static let exceptionTable = [
        "ai nt, are nt, can not, ca nt, ca nt ve, could nt, could nt ve, could ve,",
        "dare nt, did nt, did nt ve, does nt, does nt ve, do nt, do nt ve, gon na,",
        "got ta, had nt, had nt ve, has nt, have nt, he d, he d ve, he ll ve,",
        "he s, how d, how d ve, how ll, how ll ve, how re, how s, how ve,",
        "i d, i d ve, i ll ve, i m, i m a, is nt, it d, it d ve,",
        "it ll, it ll ve, i ve, may nt, may nt ve, might nt, might nt ve, might ve,",
        "must nt, must nt ve, must ve, need nt, need nt ve, not ve, ought nt, ought nt ve,",
        "sha nt, sha nt ve, she d ve, she ll ve, she s, should nt, should nt ve, should ve,",
        "that d, that d ve, that ll, that ll ve, that s, there d, there d ve, there ll,",
        "there ll ve, there re, there s, there ve, these d, these d ve, these ll, these ll ve,",
        "these re, these ve, they d, they d ve, they ll, they ll ve, they re, they ve,",
        "this d, this d ve, this ll, this ll ve, this s, those d, those d ve, those ll,",
        "those ll ve, those re, those ve, was nt, we d, we d ve, we ll ve, were nt,",
        "we ve, what d, what d ve, what ll, what ll ve, what re, what s, what ve,",
        "when d, when d ve, when ll, when ll ve, when re, when s, when ve, where d,",
        "where d ve, where ll, where ll ve, where re, where s, where ve, who d, who d ve,",
        "who ll, who ll ve, who s, who ve, why d, why d ve, why ll, why ll ve,",
        "why re, why s, why ve, wo nt, wo nt ve, would nt, would nt ve, would ve,",
        "y all, you d, you d ve, you ll, you ll ve, you re, you ve,",
    ].joined()

    /// Joined key → lengths (in characters) of its pieces.
    static let exceptionPieces: [String: [Int]] = {
        var table = [String: [Int]]()
        for entry in exceptionTable.split(separator: ",") {
            let pieces = entry.split(separator: " ")
            table[pieces.joined()] = pieces.map(\.count)
        }
        return table
    }()
}
