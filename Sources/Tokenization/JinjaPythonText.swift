// Python's text semantics, which jinja2 inherits: strings are sequences of code points (Unicode
// scalars, not Swift Characters), whitespace is `str.isspace`, floats print as `repr` does, and
// JSON is written as `json.dumps` writes it.

enum PythonText {
    /// `str.isspace` for one code point (also what `\s` matches in Python's `re`).
    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// The line boundaries of `str.splitlines` (besides `\r\n`).
    static func isLineBreak(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// Code-point equality (Swift's `==` on String would also equate canonically equivalent text).
    static func equal(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.elementsEqual(b.unicodeScalars)
    }

    /// Code-point ordering, as Python compares strings.
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
    }

    static func length(_ s: String) -> Int { s.unicodeScalars.count }

    static func string(_ scalars: some Sequence<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// `str.strip(chars)` / `lstrip` / `rstrip`; `chars == nil` strips whitespace.
    static func strip(_ s: String, chars: String?, leading: Bool = true, trailing: Bool = true) -> String {
        let set = chars.map { Set($0.unicodeScalars) }
        let remove: (Unicode.Scalar) -> Bool = { set?.contains($0) ?? isSpace($0) }
        let scalars = Array(s.unicodeScalars)
        var lo = 0, hi = scalars.count
        if leading { while lo < hi, remove(scalars[lo]) { lo += 1 } }
        if trailing { while hi > lo, remove(scalars[hi - 1]) { hi -= 1 } }
        return string(scalars[lo..<hi])
    }

    /// `str.split(sep, maxsplit)`.
    static func split(_ s: String, separator: String?, maxSplit: Int) throws(JinjaFailure) -> [String] {
        let scalars = Array(s.unicodeScalars)
        var parts: [String] = []
        guard let separator else {
            var i = 0, splits = 0
            while true {
                while i < scalars.count, isSpace(scalars[i]) { i += 1 }
                if i == scalars.count { break }
                if maxSplit >= 0, splits == maxSplit {
                    parts.append(string(scalars[i...]))
                    break
                }
                var j = i
                while j < scalars.count, !isSpace(scalars[j]) { j += 1 }
                parts.append(string(scalars[i..<j]))
                splits += 1
                i = j
            }
            return parts
        }
        let sep = Array(separator.unicodeScalars)
        guard !sep.isEmpty else { throw JinjaFailure("ValueError: empty separator") }
        var start = 0, i = 0, splits = 0
        while i + sep.count <= scalars.count {
            if maxSplit >= 0, splits == maxSplit { break }
            if scalars[i..<i + sep.count].elementsEqual(sep) {
                parts.append(string(scalars[start..<i]))
                i += sep.count
                start = i
                splits += 1
            } else {
                i += 1
            }
        }
        parts.append(string(scalars[start...]))
        return parts
    }

    /// `str.rsplit(sep, maxsplit)`.
    static func rsplit(_ s: String, separator: String?, maxSplit: Int) throws(JinjaFailure) -> [String] {
        let reversed = string(s.unicodeScalars.reversed())
        let sep = separator.map { string($0.unicodeScalars.reversed()) }
        return try split(reversed, separator: sep, maxSplit: maxSplit).reversed().map { string($0.unicodeScalars.reversed()) }
    }

    /// `str.splitlines()` (without line ends).
    static func splitLines(_ s: String) -> [String] {
        let scalars = Array(s.unicodeScalars)
        var lines: [String] = []
        var start = 0, i = 0
        while i < scalars.count {
            if isLineBreak(scalars[i]) {
                lines.append(string(scalars[start..<i]))
                if scalars[i] == "\r", i + 1 < scalars.count, scalars[i + 1] == "\n" { i += 1 }
                start = i + 1
            }
            i += 1
        }
        if start < scalars.count { lines.append(string(scalars[start...])) }
        return lines
    }

    /// `str.upper()` / `str.lower()` (full case mappings, e.g. `ß` → `SS`).
    static func upper(_ s: String) -> String { s.unicodeScalars.map { $0.properties.uppercaseMapping }.joined() }
    static func lower(_ s: String) -> String { s.unicodeScalars.map { $0.properties.lowercaseMapping }.joined() }

    /// `str.title()`: titlecase after an uncased character, lowercase after a cased one.
    static func title(_ s: String) -> String {
        var out = ""
        var previousCased = false
        for c in s.unicodeScalars {
            out += previousCased ? c.properties.lowercaseMapping : c.properties.titlecaseMapping
            previousCased = c.properties.isCased
        }
        return out
    }

    /// `str.capitalize()` (Python ≥ 3.8: first character titlecased, the rest lowercased).
    static func capitalize(_ s: String) -> String {
        var out = ""
        for (i, c) in s.unicodeScalars.enumerated() {
            out += i == 0 ? c.properties.titlecaseMapping : c.properties.lowercaseMapping
        }
        return out
    }

    /// jinja2's `title` filter: words start after `-`, whitespace, `(`, `{`, `[` or `<`; the first
    /// letter of a word is uppercased and the rest lowercased.
    static func jinjaTitle(_ s: String) -> String {
        var out = ""
        var atStart = true
        for c in s.unicodeScalars {
            if isSpace(c) || "-({[<".unicodeScalars.contains(c) {
                out.unicodeScalars.append(c)
                atStart = true
            } else {
                out += atStart ? c.properties.uppercaseMapping : c.properties.lowercaseMapping
                atStart = false
            }
        }
        return out
    }

    /// Python's `repr(float)`: the shortest digits that round-trip, in fixed notation when the
    /// decimal exponent is in (-4, 16], else scientific with at least two exponent digits.
    static func floatRepr(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
        // Swift's description also prints the shortest round-tripping digits; only the layout differs.
        var text = d.magnitude.description
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        var integerPart = text, fraction = ""
        if let dot = text.firstIndex(of: ".") {
            integerPart = String(text[..<dot])
            fraction = String(text[text.index(after: dot)...])
        }
        var digits = Array(integerPart + fraction)
        var point = integerPart.count + exponent  // value = 0.d1d2... × 10^point
        while digits.first == "0" { digits.removeFirst(); point -= 1 }
        while digits.last == "0" { digits.removeLast() }
        let sign = d < 0 ? "-" : ""
        let n = digits.count
        if point > -4 && point <= 16 {
            if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + String(digits) }
            if point >= n { return sign + String(digits) + String(repeating: "0", count: point - n) + ".0" }
            return sign + String(digits[..<point]) + "." + String(digits[point...])
        }
        let e = point - 1
        var mantissa = String(digits[0])
        if n > 1 { mantissa += "." + String(digits[1...]) }
        return sign + mantissa + "e" + (e < 0 ? "-" : "+") + (abs(e) < 10 ? "0" : "") + String(abs(e))
    }

    /// A float as `json.dumps` writes it.
    static func jsonFloat(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        return floatRepr(d)
    }

    private static func hex(_ v: UInt32, width: Int) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - h.count)) + h
    }

    /// A JSON string literal as `json.dumps` writes it.
    static func writeJSONString(_ s: String, into out: inout String, ensureASCII: Bool) {
        out += "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if c.value < 0x20 || (ensureASCII && c.value > 0x7E) {
                    if c.value > 0xFFFF {
                        let v = c.value - 0x10000
                        out += "\\u" + hex(0xD800 + (v >> 10), width: 4) + "\\u" + hex(0xDC00 + (v & 0x3FF), width: 4)
                    } else {
                        out += "\\u" + hex(c.value, width: 4)
                    }
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        out += "\""
    }

    /// `str.isprintable` for one code point.
    static func isPrintable(_ c: Unicode.Scalar) -> Bool {
        if c == " " { return true }
        switch c.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }

    /// Python's `repr(str)`.
    static func repr(_ s: String) -> String {
        let quote: Unicode.Scalar = s.unicodeScalars.contains("'") && !s.unicodeScalars.contains("\"") ? "\"" : "'"
        var out = String(Character(quote))
        for c in s.unicodeScalars {
            switch c {
            case quote, "\\": out += "\\" + String(Character(c))
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                if c.value < 0x20 || c.value == 0x7F {
                    out += "\\x" + hex(c.value, width: 2)
                } else if c.value < 0x7F || isPrintable(c) {
                    out.unicodeScalars.append(c)
                } else if c.value <= 0xFF {
                    out += "\\x" + hex(c.value, width: 2)
                } else if c.value <= 0xFFFF {
                    out += "\\u" + hex(c.value, width: 4)
                } else {
                    out += "\\U" + hex(c.value, width: 8)
                }
            }
        }
        out += String(Character(quote))
        return out
    }

    /// markupsafe's `escape`: `& < > " '` as HTML entities.
    static func htmlEscape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
