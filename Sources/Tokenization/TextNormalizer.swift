import Foundation

/// One HF normalizer: a rewrite of each piece of text between added tokens, before
/// pre-tokenization. (`Sequence` is a list of these.)
public enum TextNormalizer: Sendable, Equatable {
    /// Unicode normalization forms. Foundation's (ICU) tables; HF's crate has older ones, so
    /// code points assigned since then may differ (none in the parity strings do).
    case nfc, nfd, nfkc, nfkd
    /// Each code point's full lowercase mapping (`İ` → `i̇`; `Σ` → `σ` everywhere, no final sigma).
    case lowercase
    /// Removes White_Space code points at the start and/or end.
    case strip(left: Bool, right: Bool)
    /// Every leftmost non-overlapping occurrence of a literal text becomes `content`.
    case replace(String, content: String)
    /// Puts a text before a non-empty piece.
    case prepend(String)
    /// Removes combining marks (general category M), usually after `nfd`.
    case stripAccents

    /// The normalized text. `atOrigin` says whether the first code point still stands for the
    /// first one of the input (HF tracks this alignment; Metaspace's `first` scheme asks): it
    /// turns false when leading code points are removed, or when a longer leading match is
    /// replaced (HF aligns replacement text with the last code point it replaces).
    func apply(_ text: String, atOrigin: inout Bool) -> String {
        switch self {
        case .nfc: return text.precomposedStringWithCanonicalMapping
        case .nfd: return text.decomposedStringWithCanonicalMapping
        case .nfkc: return text.precomposedStringWithCompatibilityMapping
        case .nfkd: return text.decomposedStringWithCompatibilityMapping
        case .lowercase:
            var out = String.UnicodeScalarView()
            for s in text.unicodeScalars {
                if s.isASCII { out.append(s.properties.isUppercase ? Unicode.Scalar(s.value | 0x20)! : s) } else {
                    out.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
                }
            }
            return String(out)
        case .strip(let left, let right):
            let scalars = Array(text.unicodeScalars)
            var start = 0, end = scalars.count
            if left { while start < end && scalars[start].properties.isWhitespace { start += 1 } }
            if right { while end > start && scalars[end - 1].properties.isWhitespace { end -= 1 } }
            if start > 0 && start < end { atOrigin = false }
            return String(String.UnicodeScalarView(scalars[start..<end]))
        case .replace(let pattern, let content):
            return Self.replacing(pattern, with: content, in: text, atOrigin: &atOrigin)
        case .prepend(let prefix):
            return text.isEmpty ? text : prefix + text
        case .stripAccents:
            var out = String.UnicodeScalarView()
            for (i, s) in text.unicodeScalars.enumerated() {
                if Self.isMark(s) { if i == 0 { atOrigin = false } } else { out.append(s) }
            }
            return String(out)
        }
    }

    static func isMark(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// `text` with every leftmost non-overlapping occurrence of `pattern` (code points) replaced.
    static func replacing(_ pattern: String, with content: String, in text: String, atOrigin: inout Bool) -> String {
        let needle = Array(pattern.unicodeScalars)
        let scalars = Array(text.unicodeScalars)
        guard !needle.isEmpty, scalars.count >= needle.count else { return text }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if i + needle.count <= scalars.count && scalars[i] == needle[0]
                && scalars[i..<(i + needle.count)].elementsEqual(needle) {
                if i == 0 && (content.isEmpty || needle.count > 1) { atOrigin = false }
                out.append(contentsOf: content.unicodeScalars)
                i += needle.count
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return String(out)
    }
}
