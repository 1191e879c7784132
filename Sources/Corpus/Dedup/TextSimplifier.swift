import Foundation

/// datatrove's `simplify_text` (`utils/text.py`, `TextNormConfig` defaults): the text MinHash
/// shingles are cut from. Steps, in datatrove's order: lowercase (Python's `str.lower`, with the
/// final-sigma rule) → each `\p{Nd}+([.,،٫⎖⎗⎘]\p{Nd}+)?` becomes `0` → every character of
/// datatrove's `PUNCTUATION` becomes a space → strip, and runs of whitespace become one space →
/// NFD, combining marks (Mn) dropped → strip.
public struct TextSimplifier: Codable, Sendable, Equatable {
    /// Lowercase first (datatrove: true).
    public var lowercase = true
    /// Replace numbers (with one decimal part) by `0` (datatrove: true).
    public var normalizeNumbers = true
    /// Turn datatrove's punctuation characters into spaces (datatrove: true).
    public var removePunctuation = true
    /// Strip, and collapse whitespace runs into one space (datatrove: true).
    public var normalizeWhitespace = true
    /// NFD-decompose and drop nonspacing marks, so "café" matches "cafe" (datatrove: true).
    public var stripDiacritics = true

    /// The defaults, which are datatrove's.
    public init() {}

    /// The simplified form of `text`.
    public func simplify(_ text: String) -> String {
        var s = Array(text.unicodeScalars)
        if lowercase { s = Self.lowercased(s) }
        if normalizeNumbers { s = Self.numbersToZero(s) }
        if removePunctuation {
            for i in s.indices where Self.punctuation.contains(s[i].value) { s[i] = " " }
        }
        if normalizeWhitespace { s = Self.collapseWhitespace(Self.stripped(s)) }
        var out = String(String.UnicodeScalarView(s))
        if stripDiacritics {
            let nfd = out.decomposedStringWithCanonicalMapping.unicodeScalars
            out = String(String.UnicodeScalarView(nfd.filter { $0.properties.generalCategory != .nonspacingMark }))
        }
        return String(String.UnicodeScalarView(Self.stripped(Array(out.unicodeScalars))))
    }

    /// Python's `str.lower`: full lowercase mapping per scalar; a capital sigma becomes final
    /// `ς` when a cased letter precedes it and none follows (case-ignorable scalars skipped).
    static func lowercased(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out = [Unicode.Scalar]()
        out.reserveCapacity(s.count)
        for i in s.indices {
            let c = s[i]
            if c.value < 0x80 {
                out.append(c.value >= 0x41 && c.value <= 0x5A ? Unicode.Scalar(UInt8(c.value + 32)) : c)
            } else if c.value == 0x3A3 {
                out.append(isFinalSigma(s, at: i) ? "\u{3C2}" : "\u{3C3}")
            } else {
                out.append(contentsOf: c.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return out
    }

    static func isFinalSigma(_ s: [Unicode.Scalar], at i: Int) -> Bool {
        var j = i - 1
        while j >= 0 && s[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0 && s[j].properties.isCased else { return false }
        j = i + 1
        while j < s.count && s[j].properties.isCaseIgnorable { j += 1 }
        return !(j < s.count && s[j].properties.isCased)
    }

    static func isDecimalDigit(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return c.value >= 0x30 && c.value <= 0x39 }
        return c.properties.generalCategory == .decimalNumber
    }

    /// `\p{Nd}+([.,،٫⎖⎗⎘]\p{Nd}+)?` → `0`, leftmost and greedy like the regex.
    static func numbersToZero(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        let separators: Set<UInt32> = [0x2E, 0x2C, 0x60C, 0x66B, 0x2396, 0x2397, 0x2398]
        var out = [Unicode.Scalar]()
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            guard isDecimalDigit(s[i]) else { out.append(s[i]); i += 1; continue }
            while i < s.count && isDecimalDigit(s[i]) { i += 1 }
            if i + 1 < s.count && separators.contains(s[i].value) && isDecimalDigit(s[i + 1]) {
                i += 1
                while i < s.count && isDecimalDigit(s[i]) { i += 1 }
            }
            out.append("0")
        }
        return out
    }

    /// Python's `str.isspace` (what `\s` and `strip()` match in a str pattern).
    static func isPythonWhitespace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09 ... 0x0D, 0x1C ... 0x20, 0x85, 0xA0, 0x1680, 0x2000 ... 0x200A, 0x2028, 0x2029,
             0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    static func stripped(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard let first = s.firstIndex(where: { !isPythonWhitespace($0) }),
              let last = s.lastIndex(where: { !isPythonWhitespace($0) }) else { return [] }
        return Array(s[first ... last])
    }

    static func collapseWhitespace(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out = [Unicode.Scalar]()
        out.reserveCapacity(s.count)
        var inSpace = false
        for c in s {
            if isPythonWhitespace(c) {
                if !inSpace { out.append(" ") }
                inSpace = true
            } else {
                out.append(c)
                inSpace = false
            }
        }
        return out
    }

    /// datatrove's `PUNCTUATION` (utils/text.py): these symbols plus the control characters
    /// 0–8, 11, 12, 13–31 and 127–159.
    static let punctuation: Set<UInt32> = {
        let symbols = "!/—”:％１〈&(、━\\【#%「」，】；+^]~“《„';’{|∶´[=-`*．（–？！：$～«〉,><》)?）。…@_.\"}►»"
        var set = Set(symbols.unicodeScalars.map(\.value))
        for range in [0 ..< 9, 11 ..< 13, 13 ..< 32, 127 ..< 160] as [Range<UInt32>] { set.formUnion(range) }
        return set
    }()
}
