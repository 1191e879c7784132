/// spaCy's special-case matcher (`Tokenizer._apply_special_cases`): after affix splitting,
/// every run of tokens that spells the affix-split form of an exception containing
/// punctuation (`x:)` → `x`, `:`, `)`) is found; overlapping runs are resolved longest first,
/// then leftmost; a kept run whose text is exactly the exception (no whitespace inside) is
/// replaced by the exception's pieces (`:)`).
struct SpecialCaseMatcher: Sendable {
    typealias Span = EnglishWordSplitter.Span
    private let chunks: EnglishChunkTokenizer
    /// Pattern p: its token texts and the exception it stands for.
    private let patternTokens: [[[UInt32]]]
    private let patternException: [Int]
    /// First token text → index into `byFirst` (the patterns starting with it).
    private let firstToken: ScalarSequenceTable
    private let byFirst: [[Int]]
    /// First scalars of the patterns' second tokens (a cheap test before hashing a token).
    private let secondStart: Set<UInt32>
    /// `secondStart` for ASCII, as a bitmap.
    private let secondStartASCII: (UInt64, UInt64)
    /// Whether some pattern is a single token (then every token must be looked up).
    private let hasSingleTokenPattern: Bool

    /// Whether the second-token test may skip tokens before the table lookup.
    private let prefilter: Bool

    init(_ chunks: EnglishChunkTokenizer, prefilter: Bool = true) {
        self.chunks = chunks
        self.prefilter = prefilter
        var tokensOf: [[[UInt32]]] = []
        var exceptionOf: [Int] = []
        for (e, string) in chunks.exceptionStrings.enumerated() {
            guard let pattern = Self.pattern(string, exception: e, chunks) else { continue }
            tokensOf.append(pattern)
            exceptionOf.append(e)
        }
        var table = ScalarSequenceTable(capacity: tokensOf.count)
        var lists: [[Int]] = []
        var firstIndex: [[UInt32]: Int] = [:]
        for (p, tokens) in tokensOf.enumerated() {
            if let k = firstIndex[tokens[0]] { lists[k].append(p); continue }
            firstIndex[tokens[0]] = lists.count
            table.insert(tokens[0], payload: lists.count)
            lists.append([p])
        }
        patternTokens = tokensOf
        secondStart = Set(tokensOf.compactMap { $0.count > 1 ? $0[1].first : nil })
        hasSingleTokenPattern = tokensOf.contains { $0.count == 1 }
        var bits: (UInt64, UInt64) = (0, 0)
        for c in secondStart where c < 128 {
            if c < 64 { bits.0 |= 1 << UInt64(c) } else { bits.1 |= 1 << UInt64(c - 64) }
        }
        secondStartASCII = bits
        patternException = exceptionOf
        firstToken = table
        byFirst = lists
    }

    /// The affix-split tokens of exception `string`, when spaCy adds it to the matcher and
    /// when matching it can change anything (identity patterns and whitespace are left out).
    private static func pattern(_ string: [UInt32], exception e: Int, _ chunks: EnglishChunkTokenizer) -> [[UInt32]]? {
        let classes = chunks.classes
        if string.contains(where: { classes.has($0, ScalarClasses.space) }) { return nil }
        return string.withUnsafeBufferPointer { p -> [[UInt32]]? in
            let n = p.count
            let affixed = chunks.affixes.prefixLength(p, 0, n) != 0 || chunks.affixes.suffixLength(p, 0, n) != 0
                || chunks.affixes.hasInfix(p, 0, n)
            guard affixed else { return nil }
            var scratch = EnglishChunkTokenizer.Scratch()
            var tokens: [Span] = []
            chunks.tokenizeChunk(p, 0, n, specials: false, &scratch, &tokens)
            if tokens.count == 1 && chunks.pieces(ofException: e).count == 1 { return nil }
            return tokens.map { Array(p[Int($0.start)..<Int($0.end)]) }
        }
    }

    /// Whether spaCy's Doc has no whitespace token between two tokens (gap "" or " ").
    @inline(__always)
    private static func adjacent(_ s: UnsafeBufferPointer<UInt32>, _ a: Span, _ b: Span) -> Bool {
        let gap = b.start - a.end
        return gap == 0 || (gap == 1 && s[Int(a.end)] == 0x20)
    }

    private func matchesAt(_ s: UnsafeBufferPointer<UInt32>, _ tokens: [Span], _ i: Int, _ pattern: [[UInt32]]) -> Bool {
        guard i + pattern.count <= tokens.count else { return false }
        for (j, text) in pattern.enumerated() {
            let t = tokens[i + j]
            if j > 0 && !Self.adjacent(s, tokens[i + j - 1], t) { return false }
            if Int(t.end - t.start) != text.count { return false }
            for (k, c) in text.enumerated() where s[Int(t.start) + k] != c { return false }
        }
        return true
    }

    @inline(__always)
    private func mayContinue(_ c: UInt32) -> Bool {
        if c < 64 { return secondStartASCII.0 & (1 << UInt64(c)) != 0 }
        if c < 128 { return secondStartASCII.1 & (1 << UInt64(c - 64)) != 0 }
        return secondStart.contains(c)
    }

    /// Applies the matcher to `tokens[from...]`.
    func apply(_ s: UnsafeBufferPointer<UInt32>, _ tokens: inout [Span], from first: Int) {
        var found: [(start: Int, end: Int, pattern: Int)] = []
        for i in first..<tokens.count {
            if prefilter && !hasSingleTokenPattern {
                guard i + 1 < tokens.count, mayContinue(s[Int(tokens[i + 1].start)]) else { continue }
            }
            let t = tokens[i]
            guard let list = firstToken.lookup(s, Int(t.start), Int(t.end)) else { continue }
            for p in byFirst[list] where matchesAt(s, tokens, i, patternTokens[p]) {
                found.append((i, i + patternTokens[p].count, p))
            }
        }
        if found.isEmpty { return }
        // Longest first, then leftmost; a run whose first or last token is taken is dropped.
        found.sort { ($0.end - $0.start, $1.start) < ($1.end - $1.start, $0.start) }
        var seen = Set<Int>()
        var kept: [(start: Int, end: Int, pattern: Int)] = []
        for m in found.reversed() {
            if !seen.contains(m.start) && !seen.contains(m.end - 1) { kept.append(m) }
            for k in m.start..<m.end { seen.insert(k) }
        }
        kept.sort { $0.start < $1.start }
        var out = Array(tokens[..<first])
        var i = first
        for m in kept {
            out.append(contentsOf: tokens[i..<m.start])
            i = m.end
            let lo = Int(tokens[m.start].start), hi = Int(tokens[m.end - 1].end)
            let contiguous = (m.start + 1..<m.end).allSatisfy { tokens[$0].start == tokens[$0 - 1].end }
            guard contiguous, let e = chunks.exception(s, lo, hi, true), e == patternException[m.pattern] else {
                out.append(contentsOf: tokens[m.start..<m.end])
                continue
            }
            var p = lo
            for len in chunks.pieces(ofException: e) {
                out.append(Span(start: Int32(p), end: Int32(p + len)))
                p += len
            }
        }
        out.append(contentsOf: tokens[i...])
        tokens = out
    }
}
