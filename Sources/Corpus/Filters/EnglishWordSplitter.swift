/// The tokenizer of spaCy's `spacy.blank("en")` (spaCy 3.8, `spacy/tokenizer.pyx`), which
/// datatrove's `split_into_words` runs for English, reimplemented without a regex engine.
///
/// Per whitespace-separated chunk: a tokenizer exception (`don't` → `do`, `n't`) wins;
/// otherwise prefixes and suffixes are peeled off in turn (stopping when the rest is an
/// exception), and the middle is one token if it is an exception or a URL, else split at its
/// infixes. Finally the special-case matcher merges token runs that spell an exception
/// containing punctuation (`x:)` → `x`, `:)`). Tokens are half-open ranges of scalar indices;
/// whitespace tokens are not produced (datatrove strips and drops them).
public struct EnglishWordSplitter: Sendable {
    /// The one shared instance (tables are built once, on first use).
    public static let shared = EnglishWordSplitter()

    let chunks: EnglishChunkTokenizer
    /// The special-case matcher's patterns (see `SpecialCaseMatcher`).
    let matcher: SpecialCaseMatcher

    private init() { self.init(fastPaths: true) }

    /// `fastPaths: false` takes the general path for every chunk and token (the plain
    /// reference the tests hold the fast paths equal to).
    init(fastPaths: Bool) {
        chunks = EnglishChunkTokenizer(fastPaths: fastPaths)
        matcher = SpecialCaseMatcher(chunks, prefilter: fastPaths)
    }

    /// A token: scalar indices `start..<end` of the text.
    public struct Span: Sendable, Equatable {
        /// First scalar index of the token.
        public var start: Int32
        /// One past the last scalar index.
        public var end: Int32
    }

    /// Appends the tokens of `s` to `tokens` (which is not cleared).
    func split(_ s: UnsafeBufferPointer<UInt32>, into tokens: inout [Span]) {
        let first = tokens.count
        var scratch = EnglishChunkTokenizer.Scratch()
        let space = ScalarClasses.space
        let classes = chunks.classes
        var i = 0
        let n = s.count
        while i < n {
            while i < n && classes.has(s[i], space) { i += 1 }
            let start = i
            while i < n && !classes.has(s[i], space) { i += 1 }
            if start < i { chunks.tokenizeChunk(s, start, i, specials: true, &scratch, &tokens) }
        }
        matcher.apply(s, &tokens, from: first)
    }
}

/// One chunk's tokenization: exceptions, affixes, URL, infixes (spaCy `_tokenize`).
struct EnglishChunkTokenizer: Sendable {
    typealias Span = EnglishWordSplitter.Span
    let classes = ScalarClasses.shared
    let affixes = EnglishAffixRules()
    let url = SpacyURLMatch()
    /// Exception string → index into `exceptionPieces`.
    private let exceptions: ScalarSequenceTable
    /// Piece lengths (in scalars) of each exception.
    private let exceptionPieces: [[Int]]
    /// Exception strings, in table order (the matcher derives its patterns from them).
    let exceptionStrings: [[UInt32]]

    /// Whether plain ASCII words skip the affix rules.
    let fastPaths: Bool

    init(fastPaths: Bool = true) {
        self.fastPaths = fastPaths
        var table = ScalarSequenceTable(capacity: SpacyEnglishTables.exceptions.count)
        var pieces: [[Int]] = []
        var strings: [[UInt32]] = []
        for entry in SpacyEnglishTables.exceptions {
            let parts = entry.split(separator: "\u{1F}", omittingEmptySubsequences: false)
            let key = parts.flatMap { $0.unicodeScalars.map(\.value) }
            table.insert(key, payload: pieces.count)
            pieces.append(parts.map { $0.unicodeScalars.count })
            strings.append(key)
        }
        exceptions = table
        exceptionPieces = pieces
        exceptionStrings = strings
    }

    /// Piece lengths (in scalars) of exception `e`.
    func pieces(ofException e: Int) -> [Int] { exceptionPieces[e] }

    /// Reusable buffers of one `split` call.
    struct Scratch {
        var prefixes: [Span] = []
        var suffixes: [Span] = []
    }

    @inline(__always)
    func exception(_ s: UnsafeBufferPointer<UInt32>, _ lo: Int, _ hi: Int, _ specials: Bool) -> Int? {
        specials ? exceptions.lookup(s, lo, hi) : nil
    }

    private func appendException(_ e: Int, at lo: Int, _ tokens: inout [Span]) {
        var p = lo
        for len in exceptionPieces[e] {
            tokens.append(Span(start: Int32(p), end: Int32(p + len)))
            p += len
        }
    }

    /// spaCy `_tokenize` of one chunk `s[lo..<hi]` (no whitespace inside).
    func tokenizeChunk(_ s: UnsafeBufferPointer<UInt32>, _ lo: Int, _ hi: Int, specials: Bool,
                       _ scratch: inout Scratch, _ tokens: inout [Span]) {
        if let e = exception(s, lo, hi, specials) { appendException(e, at: lo, &tokens); return }
        if fastPaths && isPlainWord(s, lo, hi) { tokens.append(Span(start: Int32(lo), end: Int32(hi))); return }
        scratch.prefixes.removeAll(keepingCapacity: true)
        scratch.suffixes.removeAll(keepingCapacity: true)
        let (a, b) = splitAffixes(s, lo, hi, specials, &scratch)
        tokens.append(contentsOf: scratch.prefixes)
        if a < b {
            if let e = exception(s, a, b, specials) {
                appendException(e, at: a, &tokens)
            } else if url.matches(s, a, b) {
                tokens.append(Span(start: Int32(a), end: Int32(b)))
            } else {
                appendInfixSplit(s, a, b, &tokens)
            }
        }
        tokens.append(contentsOf: scratch.suffixes.reversed())
    }

    /// ASCII letters only: no rule can split it (a fast path taken by most chunks).
    @inline(__always)
    private func isPlainWord(_ s: UnsafeBufferPointer<UInt32>, _ lo: Int, _ hi: Int) -> Bool {
        for i in lo..<hi {
            let c = s[i] | 0x20
            if c < 0x61 || c > 0x7A { return false }
        }
        return true
    }

    /// spaCy `_split_affixes`: peels prefixes and suffixes; returns the middle's range.
    private func splitAffixes(_ s: UnsafeBufferPointer<UInt32>, _ lo0: Int, _ hi0: Int, _ specials: Bool,
                              _ scratch: inout Scratch) -> (Int, Int) {
        var lo = lo0, hi = hi0
        var lastSize = 0
        while lo < hi && hi - lo != lastSize {
            if exception(s, lo, hi, specials) != nil { break }
            lastSize = hi - lo
            let pre = affixes.prefixLength(s, lo, hi)
            if pre != 0 && lo + pre < hi && exception(s, lo + pre, hi, specials) != nil {
                scratch.prefixes.append(Span(start: Int32(lo), end: Int32(lo + pre)))
                lo += pre
                break
            }
            let suf = affixes.suffixLength(s, lo + pre, hi)
            if suf != 0 && hi - suf > lo && exception(s, lo, hi - suf, specials) != nil {
                scratch.suffixes.append(Span(start: Int32(hi - suf), end: Int32(hi)))
                hi -= suf
                break
            }
            // The suffix was searched after the prefix, so both always fit.
            if pre != 0 {
                scratch.prefixes.append(Span(start: Int32(lo), end: Int32(lo + pre)))
                lo += pre
            }
            if suf != 0 {
                scratch.suffixes.append(Span(start: Int32(hi - suf), end: Int32(hi)))
                hi -= suf
            }
        }
        return (lo, hi)
    }

    /// spaCy `_attach_tokens`' infix branch: split `s[lo..<hi]` at every infix match
    /// (a match at the very start is skipped, so its text joins the next piece).
    private func appendInfixSplit(_ s: UnsafeBufferPointer<UInt32>, _ lo: Int, _ hi: Int, _ tokens: inout [Span]) {
        var start = lo
        var i = lo
        while i < hi {
            guard let e = affixes.infixEnd(s, lo, i, hi) else { i += 1; continue }
            if i != lo {
                if i != start { tokens.append(Span(start: Int32(start), end: Int32(i))) }
                tokens.append(Span(start: Int32(i), end: Int32(e)))
                start = e
            }
            i = e
        }
        if start < hi { tokens.append(Span(start: Int32(start), end: Int32(hi))) }
    }
}
