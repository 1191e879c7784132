/// datatrove 0.10.1 `C4QualityFilter` (`pipeline/filters/c4_filters.py`), C4's heuristics
/// (Raffel et al. 2020) with `split_paragraph=True`: lines are kept or dropped one by one,
/// some findings drop the whole document, and a kept document's text becomes its kept lines.
public struct C4QualityFilter: Sendable {
    /// Rules and thresholds; -1 disables an integer rule, as in datatrove.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Remove Wikipedia citations `[1]`, `[edit]`, `[citation needed]` from lines.
        public var removeCitations = true
        /// Drop lines that do not end in `.`, `?`, `!`, `"` or `'` (or end in `...`).
        /// FineWeb runs C4 with this off.
        public var filterNoTerminalPunct = true
        /// Fewest sentences (spaCy sentencizer) in the kept lines (`too_few_sentences`).
        public var minNumSentences = 5
        /// Fewest whitespace-separated words per kept line.
        public var minWordsPerLine = 3
        /// Drop lines with a whitespace-separated word longer than this.
        public var maxWordLength = 1000
        /// Drop the document when a kept line contains "lorem ipsum" (`lorem_ipsum`).
        public var filterLoremIpsum = true
        /// Drop lines mentioning "javascript".
        public var filterJavascript = true
        /// Drop the document when a kept line contains `{` (`curly_bracket`).
        public var filterCurlyBracket = true
        /// Drop lines about cookies and terms of use.
        public var filterPolicy = true
        /// datatrove's defaults.
        public init() {}
        /// Reads a partial configuration: absent keys keep the defaults, `null` disables.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Self()
            removeCitations = try c.decodeIfPresent(Bool.self, forKey: .removeCitations) ?? d.removeCitations
            filterNoTerminalPunct = try c.decodeIfPresent(Bool.self, forKey: .filterNoTerminalPunct) ?? d.filterNoTerminalPunct
            minNumSentences = try c.decodeIfPresent(Int.self, forKey: .minNumSentences) ?? d.minNumSentences
            minWordsPerLine = try c.decodeIfPresent(Int.self, forKey: .minWordsPerLine) ?? d.minWordsPerLine
            maxWordLength = try c.decodeIfPresent(Int.self, forKey: .maxWordLength) ?? d.maxWordLength
            filterLoremIpsum = try c.decodeIfPresent(Bool.self, forKey: .filterLoremIpsum) ?? d.filterLoremIpsum
            filterJavascript = try c.decodeIfPresent(Bool.self, forKey: .filterJavascript) ?? d.filterJavascript
            filterCurlyBracket = try c.decodeIfPresent(Bool.self, forKey: .filterCurlyBracket) ?? d.filterCurlyBracket
            filterPolicy = try c.decodeIfPresent(Bool.self, forKey: .filterPolicy) ?? d.filterPolicy
        }

    }

    /// The verdict, the rewritten text of a kept document, and line statistics.
    public struct Result: Sendable {
        /// Keep, or drop with datatrove's reason.
        public var verdict: FilterVerdict
        /// The kept lines joined by newlines and stripped (nil when dropped).
        public var text: String?
        /// Counts by datatrove's stat names (`line-total`, `line-kept`,
        /// `line-filter-no_terminal_punc`, …) plus `sentences`.
        public var signals: [String: Double]
    }

    /// The thresholds in use.
    public let configuration: Configuration
    private static let edit = [UInt32](scalarsOf: "edit]"), needed = [UInt32](scalarsOf: "citation needed]")
    private static let lorem = Array("lorem ipsum".utf8), javascript = Array("javascript".utf8)
    private static let policy: [[UInt8]] = ["terms of use", "privacy policy", "cookie policy", "uses cookies",
                                            "use of cookies", "use cookies"].map { Array($0.utf8) }

    /// A filter with `configuration` (datatrove's defaults unless given).
    public init(_ configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// Tokenizes `text` and evaluates it.
    public func evaluate(_ text: String) -> Result { evaluate(TextWords(text)) }

    /// datatrove's decision and rewritten text.
    public func evaluate(_ words: TextWords) -> Result {
        let c = configuration
        let s = words.scalars
        var counts = LineCounts()
        var sentences = 0
        var kept: [ArraySlice<UInt32>] = []
        for raw in PythonStr.splitLines(s) {
            let line = PythonStr.strip(s, raw)
            counts.total += 1
            let (lineWords, longest) = Self.whitespaceWords(s, line)
            if c.maxWordLength != -1 && longest > c.maxWordLength { counts.tooLongWord += 1; continue }
            let text = c.removeCitations ? Self.removingCitations(s, line) : nil
            let t: ArraySlice<UInt32> = text?[...] ?? s[line]
            if c.filterNoTerminalPunct && (!Self.endsWithTerminal(t) || t.suffix(3).elementsEqual([0x2E, 0x2E, 0x2E])) {
                counts.noTerminalPunct += 1; continue
            }
            if lineWords < c.minWordsPerLine { counts.tooFewWords += 1; continue }
            let lowered = PythonStr.lowercased(t)
            if c.filterLoremIpsum && PythonStr.containsFolded(lowered, Self.lorem) {
                return Result(verdict: .drop(reason: "lorem_ipsum"), text: nil, signals: counts.dictionary(sentences))
            }
            if c.filterJavascript && PythonStr.containsFolded(lowered, Self.javascript) { counts.javascript += 1; continue }
            if c.filterCurlyBracket && t.contains(0x7B) {
                return Result(verdict: .drop(reason: "curly_bracket"), text: nil, signals: counts.dictionary(sentences))
            }
            if c.filterPolicy && Self.policy.contains(where: { PythonStr.containsFolded(lowered, $0) }) {
                counts.policy += 1; continue
            }
            if c.minNumSentences != -1 {
                sentences += text == nil ? words.sentenceCount(from: line.lowerBound, to: line.upperBound)
                    : TextWords.sentenceCount(of: Array(t))
            }
            kept.append(t)
            counts.kept += 1
        }
        if sentences < c.minNumSentences {
            return Result(verdict: .drop(reason: "too_few_sentences"), text: nil, signals: counts.dictionary(sentences))
        }
        return Result(verdict: .keep, text: Self.joined(kept), signals: counts.dictionary(sentences))
    }

    /// datatrove's line statistics.
    private struct LineCounts {
        var total = 0, kept = 0, tooLongWord = 0, noTerminalPunct = 0, tooFewWords = 0, javascript = 0, policy = 0
        func dictionary(_ sentences: Int) -> [String: Double] {
            ["line-total": Double(total), "line-kept": Double(kept), "line-filter-too_long_word": Double(tooLongWord),
             "line-filter-no_terminal_punc": Double(noTerminalPunct), "line-filter-too_few_words": Double(tooFewWords),
             "line-filter-javascript": Double(javascript), "line-filter-policy": Double(policy),
             "sentences": Double(sentences)]
        }
    }

    /// Number of `s[r].split()` words and the longest one's length.
    private static func whitespaceWords(_ s: [UInt32], _ r: Range<Int>) -> (count: Int, longest: Int) {
        var count = 0, longest = 0
        var i = r.lowerBound
        while i < r.upperBound {
            while i < r.upperBound && PythonStr.isSpace(s[i]) { i += 1 }
            let a = i
            while i < r.upperBound && !PythonStr.isSpace(s[i]) { i += 1 }
            if a < i { count += 1; longest = max(longest, i - a) }
        }
        return (count, longest)
    }

    private static func endsWithTerminal(_ t: ArraySlice<UInt32>) -> Bool {
        guard let last = t.last else { return false }
        return last == 0x2E || last == 0x3F || last == 0x21 || last == 0x22 || last == 0x27
    }

    /// `re.sub(r"\[\d*]|\[edit]|\[citation needed]", "", line)`, or nil when nothing matched.
    static func removingCitations(_ s: [UInt32], _ r: Range<Int>) -> [UInt32]? {
        let classes = ScalarClasses.shared
        var out: [UInt32] = []
        var changed = false
        var i = r.lowerBound
        let edit = Self.edit, needed = Self.needed
        while i < r.upperBound {
            if s[i] == 0x5B {
                var e = i + 1
                while e < r.upperBound && classes.has(s[e], ScalarClasses.decimalDigit) { e += 1 }
                var end: Int? = e < r.upperBound && s[e] == 0x5D ? e + 1 : nil
                if end == nil && PythonStr.hasPrefix(s, (i + 1)..<r.upperBound, edit) { end = i + 1 + edit.count }
                if end == nil && PythonStr.hasPrefix(s, (i + 1)..<r.upperBound, needed) { end = i + 1 + needed.count }
                if let end {
                    if !changed { out = Array(s[r.lowerBound..<i]); changed = true }
                    i = end
                    continue
                }
            }
            if changed { out.append(s[i]) }
            i += 1
        }
        return changed ? out : nil
    }

    /// `"\n".join(lines).strip()` as a String.
    private static func joined(_ lines: [ArraySlice<UInt32>]) -> String {
        var all: [UInt32] = []
        for (i, l) in lines.enumerated() {
            if i > 0 { all.append(0x0A) }
            all += l
        }
        let r = PythonStr.strip(all, 0..<all.count)
        var view = String.UnicodeScalarView()
        for c in all[r] { if let u = Unicode.Scalar(c) { view.append(u) } }
        return String(view)
    }
}
