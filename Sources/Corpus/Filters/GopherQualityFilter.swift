/// datatrove 0.10.1 `GopherQualityFilter` (`pipeline/filters/gopher_quality_filter.py`), the
/// document heuristics of Gopher (Rae et al. 2021, appendix A): length, mean word length,
/// hashes and ellipses, bullet and ellipsis lines, alphabetic words, stop words.
public struct GopherQualityFilter: Sendable {
    /// Thresholds; `nil` (or 0, as datatrove's truthiness test does) disables a rule.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Fewest non-symbol words (`gopher_short_doc`).
        public var minDocWords: Int? = 50
        /// Most non-symbol words (`gopher_long_doc`).
        public var maxDocWords: Int? = 100_000
        /// Smallest mean non-symbol word length, in characters.
        public var minAvgWordLength: Double? = 3
        /// Largest mean non-symbol word length, in characters.
        public var maxAvgWordLength: Double? = 10
        /// Largest `#` per word and (`...` + `…`) per word.
        public var maxSymbolWordRatio: Double? = 0.1
        /// Largest fraction of lines starting with `•` or `-`.
        public var maxBulletLinesRatio: Double? = 0.9
        /// Largest fraction of lines ending with `...` or `…`.
        public var maxEllipsisLinesRatio: Double? = 0.3
        /// Smallest fraction of words with an alphabetic character (datatrove's name).
        public var maxNonAlphaWordsRatio: Double? = 0.8
        /// Fewest distinct stop words present (case-sensitive).
        public var minStopWords: Int? = 2
        /// The stop words (Gopher's eight).
        public var stopWords: [String] = ["the", "be", "to", "of", "and", "that", "have", "with"]
        /// datatrove's defaults.
        public init() {}
        private enum CodingKeys: String, CodingKey {
            case minDocWords, maxDocWords, minAvgWordLength, maxAvgWordLength, maxSymbolWordRatio, maxBulletLinesRatio, maxEllipsisLinesRatio, maxNonAlphaWordsRatio, minStopWords, stopWords
        }

        /// Writes every key; a disabled (nil) threshold as `null`.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(minDocWords, forKey: .minDocWords)
            try c.encode(maxDocWords, forKey: .maxDocWords)
            try c.encode(minAvgWordLength, forKey: .minAvgWordLength)
            try c.encode(maxAvgWordLength, forKey: .maxAvgWordLength)
            try c.encode(maxSymbolWordRatio, forKey: .maxSymbolWordRatio)
            try c.encode(maxBulletLinesRatio, forKey: .maxBulletLinesRatio)
            try c.encode(maxEllipsisLinesRatio, forKey: .maxEllipsisLinesRatio)
            try c.encode(maxNonAlphaWordsRatio, forKey: .maxNonAlphaWordsRatio)
            try c.encode(minStopWords, forKey: .minStopWords)
            try c.encode(stopWords, forKey: .stopWords)
        }

        /// Reads a partial configuration: absent keys keep the defaults, `null` disables.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Self()
            minDocWords = c.contains(.minDocWords) ? try c.decodeIfPresent(Int.self, forKey: .minDocWords) : d.minDocWords
            maxDocWords = c.contains(.maxDocWords) ? try c.decodeIfPresent(Int.self, forKey: .maxDocWords) : d.maxDocWords
            minAvgWordLength = c.contains(.minAvgWordLength) ? try c.decodeIfPresent(Double.self, forKey: .minAvgWordLength) : d.minAvgWordLength
            maxAvgWordLength = c.contains(.maxAvgWordLength) ? try c.decodeIfPresent(Double.self, forKey: .maxAvgWordLength) : d.maxAvgWordLength
            maxSymbolWordRatio = c.contains(.maxSymbolWordRatio) ? try c.decodeIfPresent(Double.self, forKey: .maxSymbolWordRatio) : d.maxSymbolWordRatio
            maxBulletLinesRatio = c.contains(.maxBulletLinesRatio) ? try c.decodeIfPresent(Double.self, forKey: .maxBulletLinesRatio) : d.maxBulletLinesRatio
            maxEllipsisLinesRatio = c.contains(.maxEllipsisLinesRatio) ? try c.decodeIfPresent(Double.self, forKey: .maxEllipsisLinesRatio) : d.maxEllipsisLinesRatio
            maxNonAlphaWordsRatio = c.contains(.maxNonAlphaWordsRatio) ? try c.decodeIfPresent(Double.self, forKey: .maxNonAlphaWordsRatio) : d.maxNonAlphaWordsRatio
            minStopWords = c.contains(.minStopWords) ? try c.decodeIfPresent(Int.self, forKey: .minStopWords) : d.minStopWords
            stopWords = try c.decodeIfPresent([String].self, forKey: .stopWords) ?? d.stopWords
        }

    }

    /// The numbers the rules compare (for reports and histograms).
    public struct Signals: Sendable, Equatable {
        /// All words.
        public var words = 0
        /// Words with a character outside datatrove's punctuation set.
        public var nonSymbolWords = 0
        /// Mean length of the non-symbol words (NaN when there are none).
        public var meanWordLength = Double.nan
        /// `#` count per word.
        public var hashRatio = 0.0
        /// (`...` + `…`) count per word.
        public var ellipsisRatio = 0.0
        /// Fraction of lines starting with a bullet.
        public var bulletLinesRatio = 0.0
        /// Fraction of lines ending with an ellipsis.
        public var ellipsisLinesRatio = 0.0
        /// Fraction of words with an alphabetic character.
        public var alphaWordsRatio = 0.0
        /// Distinct stop words present.
        public var stopWords = 0

        /// The signals by name, for reports.
        public var dictionary: [String: Double] {
            ["words": Double(words), "non_symbol_words": Double(nonSymbolWords), "mean_word_length": meanWordLength,
             "hash_ratio": hashRatio, "ellipsis_ratio": ellipsisRatio, "bullet_lines_ratio": bulletLinesRatio,
             "ellipsis_lines_ratio": ellipsisLinesRatio, "alpha_words_ratio": alphaWordsRatio,
             "stop_words": Double(stopWords)]
        }
    }

    /// The thresholds in use.
    public let configuration: Configuration
    private let stopWordTable: ScalarSequenceTable

    /// A filter with `configuration` (datatrove's defaults unless given).
    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        var table = ScalarSequenceTable(capacity: max(1, configuration.stopWords.count))
        for (i, w) in configuration.stopWords.enumerated() { table.insert([UInt32](scalarsOf: w), payload: i) }
        stopWordTable = table
    }

    /// Computes every signal (the verdict stops at the first failing rule; these do not).
    public func signals(_ words: TextWords) -> Signals {
        let s = words.scalars
        var sig = Signals()
        sig.words = words.count
        var lengthSum = 0
        var alphaWords = 0
        var present = Set<Int>()
        for i in 0..<words.count {
            let f = words.flags[i]
            if f & TextWords.Flag.nonSymbol != 0 { sig.nonSymbolWords += 1; lengthSum += words.length(i) }
            if f & TextWords.Flag.alpha != 0 { alphaWords += 1 }
            let span = words.spans[i]
            if let k = s.withUnsafeBufferPointer({ stopWordTable.lookup($0, Int(span.start), Int(span.end)) }) {
                present.insert(k)
            }
        }
        sig.stopWords = present.count
        if sig.nonSymbolWords > 0 { sig.meanWordLength = Double(lengthSum) / Double(sig.nonSymbolWords) }
        let n = Double(sig.words)
        if sig.words > 0 {
            sig.hashRatio = Double(s.reduce(0) { $0 + ($1 == 0x23 ? 1 : 0) }) / n
            let ellipses = PythonStr.count(s, [0x2E, 0x2E, 0x2E]) + PythonStr.count(s, [0x2026])
            sig.ellipsisRatio = Double(ellipses) / n
            sig.alphaWordsRatio = Double(alphaWords) / n
        }
        let lines = PythonStr.splitLines(s)
        if !lines.isEmpty {
            var bullets = 0, ellipsisLines = 0
            for line in lines {
                let t = PythonStr.strip(s, line)
                let left = t.isEmpty ? line.upperBound..<line.upperBound : t.lowerBound..<line.upperBound
                let right = t.isEmpty ? line.lowerBound..<line.lowerBound : line.lowerBound..<t.upperBound
                if let c = left.first.map({ s[$0] }), c == 0x2022 || c == 0x2D { bullets += 1 }
                if PythonStr.hasSuffix(s, right, [0x2E, 0x2E, 0x2E]) || PythonStr.hasSuffix(s, right, [0x2026]) {
                    ellipsisLines += 1
                }
            }
            sig.bulletLinesRatio = Double(bullets) / Double(lines.count)
            sig.ellipsisLinesRatio = Double(ellipsisLines) / Double(lines.count)
        }
        return sig
    }

    /// datatrove's decision, with its reason strings (`gopher_short_doc`, …).
    public func evaluate(_ words: TextWords) -> FilterVerdict {
        verdict(signals(words))
    }

    /// Tokenizes `text` and evaluates it.
    public func evaluate(_ text: String) -> FilterVerdict { evaluate(TextWords(text)) }

    /// The rules, in datatrove's order, applied to computed signals.
    public func verdict(_ sig: Signals) -> FilterVerdict {
        let c = configuration
        func on(_ v: Int?) -> Int? { v == 0 ? nil : v }
        func on(_ v: Double?) -> Double? { v == 0 ? nil : v }
        if let m = on(c.minDocWords), sig.nonSymbolWords < m { return .drop(reason: "gopher_short_doc") }
        if let m = on(c.maxDocWords), sig.nonSymbolWords > m { return .drop(reason: "gopher_long_doc") }
        if let m = on(c.minAvgWordLength), sig.meanWordLength < m { return .drop(reason: "gopher_below_avg_threshold") }
        if let m = on(c.maxAvgWordLength), sig.meanWordLength > m { return .drop(reason: "gopher_above_avg_threshold") }
        if let m = on(c.maxSymbolWordRatio), sig.words > 0 {
            if sig.hashRatio > m { return .drop(reason: "gopher_too_many_hashes") }
            if sig.ellipsisRatio > m { return .drop(reason: "gopher_too_many_ellipsis") }
        }
        if let m = on(c.maxBulletLinesRatio), sig.bulletLinesRatio > m { return .drop(reason: "gopher_too_many_bullets") }
        if let m = on(c.maxEllipsisLinesRatio), sig.ellipsisLinesRatio > m {
            return .drop(reason: "gopher_too_many_end_ellipsis")
        }
        if let m = on(c.maxNonAlphaWordsRatio), sig.words > 0, sig.alphaWordsRatio < m {
            return .drop(reason: "gopher_below_alpha_threshold")
        }
        if let m = on(c.minStopWords), sig.stopWords < m { return .drop(reason: "gopher_enough_stop_words") }
        return .keep
    }
}
