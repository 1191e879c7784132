/// Turns text into BM25 terms. The default is bm25s's (and scikit-learn's CountVectorizer's):
/// lower-case, words of two or more word characters (`(?u)\b\w\w+\b`: letters, numbers and `_`
/// as Python counts them), bm25s's English stop words removed, no stemming. For Chinese and
/// Japanese, runs of CJK ideographs (which that pattern keeps whole) can instead become
/// overlapping character bigrams, the usual way to index text without spaces. English stemming
/// (Snowball's Porter2, as bm25s with PyStemmer) is optional and runs after stop-word removal.
public struct BM25Analyzer: Codable, Sendable, Equatable {
    /// How terms are reduced to stems.
    public enum Stemmer: String, Codable, Sendable {
        /// Terms are kept as they are (bm25s's default).
        case none
        /// Snowball English (Porter2), as `bm25s.tokenize(..., stemmer=Stemmer.Stemmer("english"))`.
        case english
    }

    /// Lower-case before splitting (default true).
    public var lowercase = true
    /// Terms dropped after splitting (default: bm25s's 33 English stop words).
    public var stopwords: [String] = BM25Analyzer.englishStopwords { didSet { stopSet = Set(stopwords) } }
    /// `stopwords` as a set, kept in step with it.
    private var stopSet = Set(BM25Analyzer.englishStopwords)
    /// Shortest term, in characters (2: the pattern's `\w\w+`).
    public var minimumLength = 2
    /// Split runs of CJK ideographs into overlapping bigrams (a lone ideograph stays a term).
    public var cjkBigrams = false
    /// Stemming applied to each term after stop words are removed (default none, as bm25s's).
    public var stemmer = Stemmer.none

    /// bm25s's defaults: lower-case, English stop words, terms of two or more characters, no bigrams, no stemming.
    public init() {}

    private enum CodingKeys: String, CodingKey { case lowercase, stopwords, minimumLength, cjkBigrams, stemmer }

    /// Decodes an analyser; a missing field keeps its default (configs written before a field existed still load).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = BM25Analyzer()
        lowercase = try c.decodeIfPresent(Bool.self, forKey: .lowercase) ?? d.lowercase
        stopwords = try c.decodeIfPresent([String].self, forKey: .stopwords) ?? d.stopwords
        stopSet = Set(stopwords)
        minimumLength = try c.decodeIfPresent(Int.self, forKey: .minimumLength) ?? d.minimumLength
        cjkBigrams = try c.decodeIfPresent(Bool.self, forKey: .cjkBigrams) ?? d.cjkBigrams
        stemmer = try c.decodeIfPresent(Stemmer.self, forKey: .stemmer) ?? d.stemmer
    }

    /// bm25s's English stop-word list (`bm25s.stopwords.STOPWORDS_EN`).
    public static let englishStopwords = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of",
        "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
    ]

    /// The terms of `text`, in order (repeats kept: they are term frequencies).
    public func terms(_ text: String) -> [String] {
        let words = self.words(text)
        return stemmer == .none ? words : words.map(stem)
    }

    /// A word (as `words` gives it) reduced to its term by the stemmer.
    public func stem(_ word: String) -> String {
        switch stemmer {
        case .none: return word
        case .english: return EnglishStemmer().stem(word)
        }
    }

    /// The words of `text` before stemming: split, lower-cased, stop words removed.
    public func words(_ text: String) -> [String] {
        if let ascii = text.utf8.withContiguousStorageIfAvailable({ bytes in
            bytes.allSatisfy { $0 < 0x80 } ? asciiWords(bytes) : nil
        }), let ascii { return ascii }
        return unicodeWords(text)
    }

    /// `words` for any text, one Unicode scalar at a time (the reference for `asciiWords`).
    func unicodeWords(_ text: String) -> [String] {
        let source = lowercase ? text.lowercased() : text
        let stop = stopSet
        var out = [String]()
        var word = String.UnicodeScalarView()
        var length = 0
        func flush() {
            defer { word = String.UnicodeScalarView(); length = 0 }
            guard length >= minimumLength || (cjkBigrams && length > 0 && word.allSatisfy(Self.isIdeograph)) else { return }
            if cjkBigrams, word.contains(where: Self.isIdeograph) {
                out += Self.bigrams(Array(word)).filter { !stop.contains($0) }
                return
            }
            let term = String(word)
            if !stop.contains(term) { out.append(term) }
        }
        for scalar in source.unicodeScalars {
            if Self.isWordCharacter(scalar) {
                word.append(scalar)
                length += 1
            } else if length > 0 {
                flush()
            }
        }
        if length > 0 { flush() }
        return out
    }

    /// `words` for ASCII text, on its bytes: the same words as `unicodeWords` (ASCII has no
    /// ideographs and lower-cases byte by byte), without the scalar-by-scalar string building.
    func asciiWords(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var out = [String]()
        var word = [UInt8]()
        word.reserveCapacity(32)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): word.append(lowercase ? byte | 0x20 : byte)
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"): word.append(byte)
            default: if !word.isEmpty { flushASCII(&word, into: &out) }
            }
        }
        if !word.isEmpty { flushASCII(&word, into: &out) }
        return out
    }

    /// Appends `word` to `out` unless it is too short or a stop word; empties `word`.
    private func flushASCII(_ word: inout [UInt8], into out: inout [String]) {
        if word.count >= minimumLength {
            let term = String(decoding: word, as: UTF8.self)
            if !stopSet.contains(term) { out.append(term) }
        }
        word.removeAll(keepingCapacity: true)
    }

    /// Python's `\w` for str patterns: `_`, letters (L*) and characters with a numeric value.
    static func isWordCharacter(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return (s.value >= 0x30 && s.value <= 0x39) || (s.value | 0x20 >= 0x61 && s.value | 0x20 <= 0x7A) || s == "_" }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber: return true
        default: return s.properties.numericType != nil
        }
    }

    static func isIdeograph(_ s: Unicode.Scalar) -> Bool {
        s.properties.isIdeographic || (0x3040...0x30FF).contains(s.value)  // + hiragana, katakana
    }

    /// A word mixing ideographs and other characters: ideograph runs become bigrams, the other
    /// runs stay whole.
    static func bigrams(_ scalars: [Unicode.Scalar]) -> [String] {
        var out = [String]()
        var i = 0
        while i < scalars.count {
            let ideographic = isIdeograph(scalars[i])
            var j = i
            while j < scalars.count, isIdeograph(scalars[j]) == ideographic { j += 1 }
            let run = scalars[i..<j]
            if !ideographic {
                out.append(String(String.UnicodeScalarView(run)))
            } else if run.count == 1, let only = run.first {
                out.append(String(only))
            } else {
                for k in i..<(j - 1) { out.append(String(String.UnicodeScalarView([scalars[k], scalars[k + 1]]))) }
            }
            i = j
        }
        return out
    }
}
