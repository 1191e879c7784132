import Foundation

/// Cleans the characters of a document's text before filtering: HTML references left by
/// extraction, mojibake, line endings, control characters, and the Unicode normal form — in
/// that order, each step optional.
public struct UnicodeCleaner: Sendable {
    /// The Unicode normal form the text ends in.
    public enum NormalForm: String, Codable, Sendable {
        /// Leave the code points as they are.
        case none
        /// Canonical composition: same text, composed code points (what most corpora use).
        case nfc
        /// Compatibility composition: also folds ligatures, full-width forms, superscripts.
        case nfkc
    }

    /// Which steps run. Defaults suit web text headed for a pretraining corpus.
    public struct Options: Codable, Sendable, Equatable {
        /// Final normal form. Default `.nfc` (lossless; NFKC changes meaning of some symbols).
        public var normalForm: NormalForm
        /// Repair UTF-8 misread as Windows-1252 / Latin-1 (`MojibakeRepair`). Default true.
        public var fixMojibake: Bool
        /// Remove control characters (general category Cc) except `\n` and `\t`, and the byte-
        /// order mark U+FEFF. Default true.
        public var removeControlCharacters: Bool
        /// Turn `\r\n` and lone `\r` into `\n`. Default true.
        public var normalizeLineEndings: Bool
        /// Decode HTML character references (`&amp;`, `&#233;`) left in the text. Default false:
        /// text that is meant to show markup (code, documentation) would change.
        public var decodeHTMLEntities: Bool

        /// Options; every argument defaults to the value documented on its property.
        public init(normalForm: NormalForm = .nfc, fixMojibake: Bool = true, removeControlCharacters: Bool = true,
                    normalizeLineEndings: Bool = true, decodeHTMLEntities: Bool = false) {
            self.normalForm = normalForm
            self.fixMojibake = fixMojibake
            self.removeControlCharacters = removeControlCharacters
            self.normalizeLineEndings = normalizeLineEndings
            self.decodeHTMLEntities = decodeHTMLEntities
        }

        /// Decodes options; missing keys take their defaults.
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Options()
            normalForm = try c.decodeIfPresent(NormalForm.self, forKey: .normalForm) ?? d.normalForm
            fixMojibake = try c.decodeIfPresent(Bool.self, forKey: .fixMojibake) ?? d.fixMojibake
            removeControlCharacters = try c.decodeIfPresent(Bool.self, forKey: .removeControlCharacters) ?? d.removeControlCharacters
            normalizeLineEndings = try c.decodeIfPresent(Bool.self, forKey: .normalizeLineEndings) ?? d.normalizeLineEndings
            decodeHTMLEntities = try c.decodeIfPresent(Bool.self, forKey: .decodeHTMLEntities) ?? d.decodeHTMLEntities
        }
    }

    /// The steps in force.
    public let options: Options

    /// A cleaner with `options`.
    public init(options: Options = Options()) { self.options = options }

    /// The cleaned text.
    public func clean(_ text: String) -> String {
        var t = text
        if options.decodeHTMLEntities { t = HTMLEntities.decodeText(t) }
        if options.fixMojibake { t = MojibakeRepair.repair(t) }
        if options.normalizeLineEndings || options.removeControlCharacters { t = filterScalars(t) }
        switch options.normalForm {
        case .none: break
        case .nfc: t = t.precomposedStringWithCanonicalMapping
        case .nfkc: t = t.precomposedStringWithCompatibilityMapping
        }
        return t
    }

    /// Cleans `document.text` in place.
    public func clean(_ document: inout Document) {
        document.text = clean(document.text)
    }

    /// Line endings and control characters in one pass over the scalars (ASCII text with no
    /// control characters is returned as is).
    private func filterScalars(_ text: String) -> String {
        let needsWork = text.utf8.contains { $0 < 0x20 && $0 != 0x0A && $0 != 0x09 || $0 == 0x7F || $0 >= 0x80 }
        guard needsWork else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let v = scalars[i].value
            if v == 0x0D && options.normalizeLineEndings {
                out.append("\n")
                if i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1 }
            } else if options.removeControlCharacters && Self.isRemovableControl(v) {
                // dropped
            } else {
                out.append(scalars[i])
            }
            i += 1
        }
        return String(out)
    }

    /// Cc except tab and line feed, plus the byte-order mark.
    static func isRemovableControl(_ v: UInt32) -> Bool {
        (v < 0x20 && v != 0x0A && v != 0x09) || (v >= 0x7F && v <= 0x9F) || v == 0xFEFF
    }
}
