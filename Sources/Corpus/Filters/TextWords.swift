/// A text decoded once into scalar values plus its English words, as datatrove's
/// `split_into_words` gives them (spaCy `blank("en")` tokens, stripped, empties dropped),
/// shared by every quality filter so the text is tokenized once per document.
///
/// Positions and lengths are in Unicode scalars, which is what Python's `len` counts.
public struct TextWords: Sendable {
    /// The text the words were taken from.
    public let text: String
    /// The text's scalar values (Python's view of a `str`).
    let scalars: [UInt32]
    /// Word i is `scalars[spans[i].start..<spans[i].end]`.
    let spans: [EnglishWordSplitter.Span]
    /// Per word: `Flag` bits.
    let flags: [UInt8]

    /// Per-word properties the filters ask about.
    enum Flag {
        /// A character outside datatrove's `PUNCTUATION_SET` (Gopher's "non-symbol word").
        static let nonSymbol: UInt8 = 1
        /// A character with Python `isalpha`.
        static let alpha: UInt8 = 2
        /// Every character of general category P* (spaCy `is_punct`).
        static let punct: UInt8 = 4
        /// One character of the sentencizer's `punct_chars`.
        static let sentencePunct: UInt8 = 8
    }

    /// Splits `text` into words with `splitter`.
    public init(_ text: String, splitter: EnglishWordSplitter = .shared) {
        var scalars: [UInt32] = []
        scalars.reserveCapacity(text.utf8.count)
        for u in text.unicodeScalars { scalars.append(u.value) }
        self.init(text: text, scalars: scalars, splitter: splitter)
    }

    init(text: String, scalars: [UInt32], splitter: EnglishWordSplitter = .shared) {
        self.text = text
        self.scalars = scalars
        var spans: [EnglishWordSplitter.Span] = []
        spans.reserveCapacity(scalars.count / 4)
        scalars.withUnsafeBufferPointer { splitter.split($0, into: &spans) }
        self.spans = spans
        flags = Self.flags(scalars, spans)
    }

    private static func flags(_ scalars: [UInt32], _ spans: [EnglishWordSplitter.Span]) -> [UInt8] {
        let classes = ScalarClasses.shared
        var out = [UInt8](repeating: 0, count: spans.count)
        for (i, span) in spans.enumerated() {
            var f: UInt8 = Flag.punct
            for k in Int(span.start)..<Int(span.end) {
                let b = classes.bits(scalars[k])
                if b & ScalarClasses.datatrovePunctuation == 0 { f |= Flag.nonSymbol }
                if b & ScalarClasses.pythonAlpha != 0 { f |= Flag.alpha }
                if b & ScalarClasses.unicodePunctuation == 0 { f &= ~Flag.punct }
            }
            if span.end - span.start == 1 && classes.has(scalars[Int(span.start)], ScalarClasses.sentencePunct) {
                f |= Flag.sentencePunct
            }
            out[i] = f
        }
        return out
    }

    /// Number of words (`len(split_into_words(text))`).
    public var count: Int { spans.count }

    /// Word `i` as a string.
    public subscript(i: Int) -> String {
        var s = String.UnicodeScalarView()
        for k in Int(spans[i].start)..<Int(spans[i].end) { if let u = Unicode.Scalar(scalars[k]) { s.append(u) } }
        return String(s)
    }

    /// All words as strings (for tests and reports; the filters never build them).
    public var words: [String] { (0..<count).map { self[$0] } }

    /// Length of word `i` in scalars.
    @inline(__always) func length(_ i: Int) -> Int { Int(spans[i].end - spans[i].start) }

    /// Number of sentences spaCy's sentencizer finds in `scalars[lo..<hi]`, a range without
    /// leading or trailing whitespace whose words are exactly the words inside it.
    func sentenceCount(from lo: Int, to hi: Int) -> Int {
        var first = 0, last = spans.count
        while first < last {
            let mid = (first + last) / 2
            if Int(spans[mid].start) < lo { first = mid + 1 } else { last = mid }
        }
        var end = first
        while end < spans.count && Int(spans[end].end) <= hi { end += 1 }
        return Self.sentences(scalars, spans, flags, first, end)
    }

    /// The sentencizer over words `a..<b`; a whitespace token (any gap but one space) counts
    /// as a token that is not punctuation.
    static func sentences(_ s: [UInt32], _ spans: [EnglishWordSplitter.Span], _ flags: [UInt8], _ a: Int, _ b: Int) -> Int {
        sentenceScan(s, spans, flags, a, b).count
    }

    /// Sentence count, and whether terminal punctuation is still waiting for a next token.
    private static func sentenceScan(_ s: [UInt32], _ spans: [EnglishWordSplitter.Span], _ flags: [UInt8],
                                     _ a: Int, _ b: Int) -> (count: Int, open: Bool) {
        guard a < b else { return (0, false) }
        var count = 1
        var seenPeriod = false
        for i in a..<b {
            if i > a {
                let gap = Int(spans[i].start - spans[i - 1].end)
                if gap > 1 || (gap == 1 && s[Int(spans[i - 1].end)] != 0x20), seenPeriod {
                    count += 1
                    seenPeriod = false
                }
            }
            let f = flags[i]
            if seenPeriod && f & (Flag.punct | Flag.sentencePunct) == 0 {
                count += 1
                seenPeriod = false
            } else if f & Flag.sentencePunct != 0 {
                seenPeriod = true
            }
        }
        return (count, seenPeriod)
    }

    /// Sentences spaCy's sentencizer finds in the whole text (`len(split_into_sentences(text))`
    /// for a text that is not blank), counting the whitespace tokens at its ends as spaCy does.
    public func sentenceCount() -> Int {
        let s = scalars
        guard let last = spans.last else { return 0 }
        let (count, open) = Self.sentenceScan(s, spans, flags, 0, spans.count)
        // Trailing whitespace is a token unless it is exactly the one space spaCy attaches;
        // after terminal punctuation that token starts one more sentence.
        let tail = s.count - Int(last.end)
        let trailingToken = tail > 1 || (tail == 1 && s[Int(last.end)] != 0x20)
        return count + (trailingToken && open ? 1 : 0)
    }

    /// Sentences of a whole string (spaCy sentencizer over its tokens).
    static func sentenceCount(of scalars: [UInt32]) -> Int {
        var lo = 0, hi = scalars.count
        let classes = ScalarClasses.shared
        while lo < hi && classes.has(scalars[lo], ScalarClasses.space) { lo += 1 }
        while hi > lo && classes.has(scalars[hi - 1], ScalarClasses.space) { hi -= 1 }
        let words = TextWords(text: "", scalars: Array(scalars[lo..<hi]))
        return sentences(words.scalars, words.spans, words.flags, 0, words.spans.count)
    }
}
