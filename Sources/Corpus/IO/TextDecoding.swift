/// Turning a web page's bytes into text: UTF-8 when they are valid UTF-8, else windows-1252 when
/// the declared charset is Latin-1-like or absent (what browsers do for `iso-8859-1`, per the
/// WHATWG Encoding Standard); other charsets are not decoded.
enum TextDecoding {
    /// The `charset` parameter of a Content-Type value, lower-cased, or nil.
    static func charset(ofContentType value: String) -> String? {
        for parameter in value.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingSpaces.lowercased() == "charset" else { continue }
            return pair[1].trimmingSpaces.lowercased().strippingQuotes
        }
        return nil
    }

    /// Labels that mean windows-1252 in the WHATWG Encoding Standard (plus the empty/absent case).
    static let windows1252Labels: Set<String> = [
        "ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100",
        "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "us-ascii", "windows-1252", "x-cp1252",
    ]

    /// U+0080…U+009F in windows-1252 (the standard's index; unassigned bytes map to C1 controls).
    static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// The text of `bytes`, or nil when they are not UTF-8 and `charset` is one this does not decode.
    static func decode(_ bytes: [UInt8], charset: String?) -> String? {
        if bytes.withUnsafeBytes({ UTF8Validation.firstInvalidOffset($0) }) == nil {
            return String(decoding: bytes, as: UTF8.self)
        }
        guard charset == nil || windows1252Labels.contains(charset!) else { return nil }
        var scalars = String.UnicodeScalarView()
        for b in bytes {
            let code = (0x80..<0xA0).contains(b) ? windows1252High[Int(b) - 0x80] : UInt32(b)
            scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
        }
        return String(scalars)
    }
}

extension String {
    /// Without surrounding `"` or `'` quotes.
    fileprivate var strippingQuotes: String {
        var s = Substring(self)
        while let c = s.first, c == "\"" || c == "'" { s = s.dropFirst() }
        while let c = s.last, c == "\"" || c == "'" { s = s.dropLast() }
        return String(s)
    }
}
