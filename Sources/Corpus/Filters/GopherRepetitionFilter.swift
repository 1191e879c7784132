/// datatrove 0.10.1 `GopherRepetitionFilter` (`pipeline/filters/gopher_repetition_filter.py`):
/// Gopher's repetition rules (Rae et al. 2021, table A1) over paragraphs, lines and word
/// n-grams, each as a fraction of the text's length in characters.
public struct GopherRepetitionFilter: Sendable {
    /// Thresholds; `nil` (or 0) disables a fraction rule.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Largest fraction of lines that repeat an earlier line.
        public var dupLineFrac: Double? = 0.3
        /// Largest fraction of paragraphs that repeat an earlier paragraph.
        public var dupParaFrac: Double? = 0.3
        /// Largest share of characters in repeated lines.
        public var dupLineCharFrac: Double? = 0.2
        /// Largest share of characters in repeated paragraphs.
        public var dupParaCharFrac: Double? = 0.2
        /// (n, largest share of characters covered by the most frequent n-gram).
        public var topNGrams: [NGramLimit] = [.init(2, 0.2), .init(3, 0.18), .init(4, 0.16)]
        /// (n, largest share of characters in repeated n-grams).
        public var dupNGrams: [NGramLimit] = [.init(5, 0.15), .init(6, 0.14), .init(7, 0.13),
                                              .init(8, 0.12), .init(9, 0.11), .init(10, 0.10)]
        /// datatrove's defaults.
        public init() {}
        private enum CodingKeys: String, CodingKey {
            case dupLineFrac, dupParaFrac, dupLineCharFrac, dupParaCharFrac, topNGrams, dupNGrams
        }

        /// Writes every key; a disabled (nil) threshold as `null`.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(dupLineFrac, forKey: .dupLineFrac)
            try c.encode(dupParaFrac, forKey: .dupParaFrac)
            try c.encode(dupLineCharFrac, forKey: .dupLineCharFrac)
            try c.encode(dupParaCharFrac, forKey: .dupParaCharFrac)
            try c.encode(topNGrams, forKey: .topNGrams)
            try c.encode(dupNGrams, forKey: .dupNGrams)
        }

        /// Reads a partial configuration: absent keys keep the defaults, `null` disables.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Self()
            dupLineFrac = c.contains(.dupLineFrac) ? try c.decodeIfPresent(Double.self, forKey: .dupLineFrac) : d.dupLineFrac
            dupParaFrac = c.contains(.dupParaFrac) ? try c.decodeIfPresent(Double.self, forKey: .dupParaFrac) : d.dupParaFrac
            dupLineCharFrac = c.contains(.dupLineCharFrac) ? try c.decodeIfPresent(Double.self, forKey: .dupLineCharFrac) : d.dupLineCharFrac
            dupParaCharFrac = c.contains(.dupParaCharFrac) ? try c.decodeIfPresent(Double.self, forKey: .dupParaCharFrac) : d.dupParaCharFrac
            topNGrams = try c.decodeIfPresent([NGramLimit].self, forKey: .topNGrams) ?? d.topNGrams
            dupNGrams = try c.decodeIfPresent([NGramLimit].self, forKey: .dupNGrams) ?? d.dupNGrams
        }

    }

    /// An n-gram size and its threshold, written `[n, fraction]` as datatrove's tuples.
    public struct NGramLimit: Codable, Sendable, Equatable {
        /// Words per n-gram.
        public var n: Int
        /// Largest allowed fraction.
        public var fraction: Double
        /// `(n, fraction)`.
        public init(_ n: Int, _ fraction: Double) { self.n = n; self.fraction = fraction }
        /// Reads `[n, fraction]`.
        public init(from decoder: any Decoder) throws {
            var c = try decoder.unkeyedContainer()
            n = try c.decode(Int.self)
            fraction = try c.decode(Double.self)
        }
        /// Writes `[n, fraction]`.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.unkeyedContainer()
            try c.encode(n)
            try c.encode(fraction)
        }
    }

    /// The thresholds in use.
    public let configuration: Configuration

    /// A filter with `configuration` (datatrove's defaults unless given).
    public init(_ configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// The fractions the rules compare, computed for every rule (for reports).
    public func signals(_ words: TextWords) -> [String: Double] {
        var out: [String: Double] = [:]
        _ = run(words) { name, value, _ in out[name] = value; return false }
        return out
    }

    /// datatrove's decision, with its reason strings (`dup_para_frac`, `top_2_gram`, …).
    public func evaluate(_ words: TextWords) -> FilterVerdict {
        run(words) { _, value, limit in value > limit }
    }

    /// Tokenizes `text` and evaluates it.
    public func evaluate(_ text: String) -> FilterVerdict { evaluate(TextWords(text)) }

    /// Walks the rules in datatrove's order; `check(name, value, limit)` returning true drops.
    private func run(_ words: TextWords, _ check: (String, Double, Double) -> Bool) -> FilterVerdict {
        let s = words.scalars
        guard !s.isEmpty else { return .drop(reason: "empty") }
        let c = configuration
        let length = Double(s.count)
        func on(_ v: Double?) -> Double? { v == 0 ? nil : v }
        let paragraphs = PythonStr.split(s, PythonStr.strip(s, 0..<s.count), on: 0x0A, minimum: 2)
        let para = PythonStr.duplicates(s, paragraphs)
        if let m = on(c.dupParaFrac), check("dup_para_frac", Double(para.count) / Double(paragraphs.count), m) {
            return .drop(reason: "dup_para_frac")
        }
        if let m = on(c.dupParaCharFrac), check("dup_para_char_frac", Double(para.chars) / length, m) {
            return .drop(reason: "dup_para_char_frac")
        }
        let lines = PythonStr.split(s, 0..<s.count, on: 0x0A, minimum: 1)
        let line = PythonStr.duplicates(s, lines)
        if let m = on(c.dupLineFrac), check("dup_line_frac", Double(line.count) / Double(lines.count), m) {
            return .drop(reason: "dup_line_frac")
        }
        if let m = on(c.dupLineCharFrac), check("dup_line_char_frac", Double(line.chars) / length, m) {
            return .drop(reason: "dup_line_char_frac")
        }
        let grams = NGramCounter(words)
        for limit in c.topNGrams where words.count >= limit.n && limit.n > 0 {
            if check("top_\(limit.n)_gram", Double(grams.topNGramChars(limit.n)) / length, limit.fraction) {
                return .drop(reason: "top_\(limit.n)_gram")
            }
        }
        for limit in c.dupNGrams where limit.n > 0 {
            if check("duplicated_\(limit.n)_n_grams", Double(grams.duplicatedNGramChars(limit.n)) / length, limit.fraction) {
                return .drop(reason: "duplicated_\(limit.n)_n_grams")
            }
        }
        return .keep
    }
}
