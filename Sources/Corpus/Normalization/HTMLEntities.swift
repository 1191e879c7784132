/// Decodes HTML character references left in extracted text: numeric (`&#233;`, `&#xE9;`) and
/// the named ones that occur in practice (the Latin-1 set `&nbsp;`…`&yuml;` from HTML 4, plus
/// `&amp; &lt; &gt; &quot; &apos;` and common typography). Unknown names, references without
/// their `;`, and numbers that are not Unicode scalars (surrogates, > U+10FFFF, NUL) stay as written.
enum HTMLEntities {
    /// HTML 4 Latin-1 entity names for U+00A0…U+00FF, in code point order.
    static let latin1Names = [
        "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf", "laquo",
        "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot",
        "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc",
        "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute",
        "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash",
        "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig", "agrave", "aacute", "acirc", "atilde",
        "auml", "aring", "aelig", "ccedil", "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc",
        "iuml", "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave",
        "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
    ]

    static let names: [String: UInt32] = {
        var m: [String: UInt32] = [
            "amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27,
            "ndash": 0x2013, "mdash": 0x2014, "lsquo": 0x2018, "rsquo": 0x2019, "sbquo": 0x201A,
            "ldquo": 0x201C, "rdquo": 0x201D, "bdquo": 0x201E, "hellip": 0x2026, "bull": 0x2022,
            "euro": 0x20AC, "trade": 0x2122, "dagger": 0x2020, "Dagger": 0x2021, "permil": 0x2030,
            "lsaquo": 0x2039, "rsaquo": 0x203A, "OElig": 0x152, "oelig": 0x153, "Scaron": 0x160,
            "scaron": 0x161, "Yuml": 0x178, "fnof": 0x192, "circ": 0x2C6, "tilde": 0x2DC,
            "ensp": 0x2002, "emsp": 0x2003, "thinsp": 0x2009, "zwnj": 0x200C, "zwj": 0x200D,
            "lrm": 0x200E, "rlm": 0x200F, "prime": 0x2032, "Prime": 0x2033, "larr": 0x2190, "rarr": 0x2192,
        ]
        for (i, name) in latin1Names.enumerated() { m[name] = UInt32(0xA0 + i) }
        return m
    }()

    /// `text` with its character references decoded.
    static func decode(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        let s = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView(), i = 0
        while i < s.count {
            if s[i] == "&", let (scalar, end) = reference(s, at: i) {
                out.append(scalar)
                i = end
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(out)
    }

    /// The scalar of the reference starting at `&` index `start`, and the index after its `;`.
    private static func reference(_ s: [Unicode.Scalar], at start: Int) -> (Unicode.Scalar, Int)? {
        var j = start + 1
        while j < s.count && j - start <= 32 && s[j] != ";" && s[j] != "&" && !s[j].properties.isWhitespace { j += 1 }
        guard j < s.count, s[j] == ";", j > start + 1 else { return nil }
        let body = String(String.UnicodeScalarView(s[(start + 1)..<j]))
        var value: UInt32?
        if body.hasPrefix("#x") || body.hasPrefix("#X") { value = UInt32(body.dropFirst(2), radix: 16) }
        else if body.hasPrefix("#") { value = UInt32(body.dropFirst(), radix: 10) }
        else { value = names[body] }
        guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, j + 1)
    }
}
