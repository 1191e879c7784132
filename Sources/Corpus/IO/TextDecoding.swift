/// Turning a web page's bytes into text: UTF-8 when they are valid UTF-8, else windows-1252 when
/// the declared charset is Latin-1-like or absent (what browsers do for `iso-8859-1`, per the
/// WHATWG Encoding Standard; the table is Normalization's `Windows1252`); other charsets are not decoded.
enum TextDecoding {
    /// The `charset` parameter of a Content-Type value, lower-cased, or nil.
    static func charset(ofContentType value: String) -> String? {
        for parameter in value.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, String(pair[0]).trimmingASCIISpaces().lowercased() == "charset" else { continue }
            return String(pair[1]).trimmingASCIISpaces().lowercased().strippingQuotes
        }
        return nil
    }

    /// Labels that mean windows-1252 in the WHATWG Encoding Standard (plus the empty/absent case).
    static let windows1252Labels: Set<String> = [
        "ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100",
        "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "us-ascii", "windows-1252", "x-cp1252",
    ]

    /// The text of `bytes`, or nil when they are not UTF-8 and `charset` is one this does not decode.
    static func decode(_ bytes: [UInt8], charset: String?) -> String? {
        if bytes.withUnsafeBytes({ UTF8Validation.firstInvalidOffset($0) }) == nil {
            return String(decoding: bytes, as: UTF8.self)
        }
        guard charset == nil || windows1252Labels.contains(charset!) else { return nil }
        var scalars = String.UnicodeScalarView()
        for b in bytes {
            let code = (0x80..<0xA0).contains(b) ? Windows1252.high[Int(b) - 0x80] : UInt32(b)
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
