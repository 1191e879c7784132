/// spaCy's English prefix, suffix and infix rules (`spacy/lang/punctuation.py`,
/// `spacy/lang/en/punctuation.py`) as hand-written scanners over scalar values.
///
/// Each function answers exactly what the compiled regex answers in spaCy: `prefix_search`
/// (alternatives anchored at the start, first alternative wins), `suffix_search` (leftmost
/// position from which some alternative reaches the end) and `infix_finditer` (left-to-right,
/// non-overlapping, first alternative wins). Look-behind and look-ahead see only `s[lo..<hi]`,
/// the string the regex is given.
struct EnglishAffixRules: Sendable {
    let classes = ScalarClasses.shared
    /// Currency and unit strings split off after an ASCII digit (`5kg`, `10US$`).
    private let afterDigit: [[UInt32]]
    /// Longest suffix alternative other than a run of dots, in scalars.
    private let maxSuffix: Int

    init() {
        let strings = SpacyEnglishTables.units + SpacyEnglishTables.currencies
        afterDigit = strings.map { $0.unicodeScalars.map(\.value) }
        maxSuffix = max(2, afterDigit.map(\.count).max() ?? 2)
    }

    @inline(__always) private static func isDigit(_ c: UInt32) -> Bool { c &- 0x30 < 10 }

    // MARK: prefix

    /// Length of the prefix spaCy splits off `s[lo..<hi]`, 0 if none.
    func prefixLength(_ s: UnsafeBufferPointer<UInt32>, _ lo: Int, _ hi: Int) -> Int {
        guard lo < hi else { return 0 }
        let c = s[lo]
        switch c {
        case 0x2E: // `\.\.+`
            var e = lo + 1
            while e < hi && s[e] == 0x2E { e += 1 }
            return e - lo >= 2 ? e - lo : 0
        case 0x2B: // `\+(?![0-9])`
            return lo + 1 < hi && Self.isDigit(s[lo + 1]) ? 0 : 1
        case 0x55: // US$
            if hi - lo >= 3 && s[lo + 1] == 0x53 && s[lo + 2] == 0x24 { return 3 }
        case 0x43, 0x41: // C$, A$
            if hi - lo >= 2 && s[lo + 1] == 0x24 { return 2 }
        default:
            break
        }
        return classes.has(c, ScalarClasses.prefixChar) ? 1 : 0
    }

    // MARK: suffix

    /// Length of the suffix spaCy splits off `s[lo..<hi]`, 0 if none.
    func suffixLength(_ s: UnsafeBufferPointer<UInt32>, _ lo: Int, _ hi: Int) -> Int {
        guard lo < hi else { return 0 }
        var run = hi
        while run > lo && s[run - 1] == 0x2E { run -= 1 }
        let dots = hi - run >= 2 ? run : hi   // `\.\.+$` starts at the run's first dot
        var p = max(lo, hi - maxSuffix)
        while p < min(dots, hi) {
            if suffixMatches(s, lo, p, hi) { return hi - p }
            p += 1
        }
        return dots < hi ? hi - dots : 0
    }

    /// Whether some suffix alternative matches exactly `s[p..<hi]` (look-behind within `lo..<p`).
    private func suffixMatches(_ s: UnsafeBufferPointer<UInt32>, _ lo: Int, _ p: Int, _ hi: Int) -> Bool {
        let n = hi - p
        let c = s[p]
        if n == 1 {
            if classes.has(c, ScalarClasses.suffixChar) { return true }
            if c == 0x2E && periodSuffix(s, lo, p) { return true }
            if c == 0x2B && p > lo && Self.isDigit(s[p - 1]) { return true }
        } else if n == 2 {
            if c == 0x2026 && s[p + 1] == 0x2026 { return true }                  // ……
            if (c == 0x27 || c == 0x2019) && (s[p + 1] == 0x73 || s[p + 1] == 0x53) { return true } // 's ’S
        }
        guard p > lo && Self.isDigit(s[p - 1]) else { return false }
        for unit in afterDigit where unit.count == n {
            var same = true
            for j in 0..<n where unit[j] != s[p + j] { same = false; break }
            if same { return true }
        }
        return false
    }

    /// The three look-behind rules that split a final `.` at `p`.
    private func periodSuffix(_ s: UnsafeBufferPointer<UInt32>, _ lo: Int, _ p: Int) -> Bool {
        if p - 2 >= lo && s[p - 2] == 0xB0 {                                  // (?<=°[FfCcKk])\.
            switch s[p - 1] {
            case 0x46, 0x66, 0x43, 0x63, 0x4B, 0x6B: return true
            default: break
            }
        }
        if p - 1 >= lo && classes.has(s[p - 1], ScalarClasses.periodSuffixAfter) { return true }
        if p - 2 >= lo && classes.has(s[p - 1], ScalarClasses.alphaUpper)
            && classes.has(s[p - 2], ScalarClasses.alphaUpper) { return true }
        return false
    }

    // MARK: infix

    /// End of the infix match starting at `i` in `s[lo..<hi]`, or nil.
    func infixEnd(_ s: UnsafeBufferPointer<UInt32>, _ lo: Int, _ i: Int, _ hi: Int) -> Int? {
        let c = s[i]
        let next: UInt32 = i + 1 < hi ? s[i + 1] : 0
        let prev: UInt32? = i > lo ? s[i - 1] : nil
        if c == 0x2E && next == 0x2E {                                         // \.\.+
            var e = i + 2
            while e < hi && s[e] == 0x2E { e += 1 }
            return e
        }
        if c == 0x2026 { return i + 1 }                                       // …
        if classes.has(c, ScalarClasses.icon) { return i + 1 }                // icons
        guard let prev else { return nil }
        let afterAlpha = classes.has(prev, ScalarClasses.alpha)
        let hasNext = i + 1 < hi
        if (c == 0x2B || c == 0x2D || c == 0x2A || c == 0x5E) && Self.isDigit(prev) && hasNext
            && (Self.isDigit(next) || next == 0x2D) { return i + 1 }         // 1+2, 1-2, 1*2, 1^2
        if c == 0x2E && hasNext && classes.has(prev, ScalarClasses.alphaLower | ScalarClasses.quote)
            && classes.has(next, ScalarClasses.alphaUpper | ScalarClasses.quote) { return i + 1 } // end.Start
        if c == 0x2C && afterAlpha && hasNext && classes.has(next, ScalarClasses.alpha) { return i + 1 } // a,b
        guard afterAlpha || Self.isDigit(prev) else { return nil }
        if let e = hyphenEnd(s, i, hi) { return e }
        if (c == 0x3A || c == 0x3C || c == 0x3E || c == 0x3D || c == 0x2F) && hasNext
            && classes.has(next, ScalarClasses.alpha) { return i + 1 }        // a:b a<b a>b a=b a/b
        return nil
    }

    /// `(?:-|–|—|--|---|——|~)(?=[ALPHA])` at `i`: the first alternative whose look-ahead holds.
    private func hyphenEnd(_ s: UnsafeBufferPointer<UInt32>, _ i: Int, _ hi: Int) -> Int? {
        func alphaAt(_ k: Int) -> Bool { k < hi && classes.has(s[k], ScalarClasses.alpha) }
        func repeated(_ ch: UInt32, _ n: Int) -> Bool {
            guard i + n <= hi else { return false }
            for k in i..<(i + n) where s[k] != ch { return false }
            return true
        }
        let c = s[i]
        if c == 0x2D && alphaAt(i + 1) { return i + 1 }
        if c == 0x2013 && alphaAt(i + 1) { return i + 1 }
        if c == 0x2014 && alphaAt(i + 1) { return i + 1 }
        if repeated(0x2D, 2) && alphaAt(i + 2) { return i + 2 }
        if repeated(0x2D, 3) && alphaAt(i + 3) { return i + 3 }
        if repeated(0x2014, 2) && alphaAt(i + 2) { return i + 2 }
        if c == 0x7E && alphaAt(i + 1) { return i + 1 }
        return nil
    }

    /// Whether any infix rule matches somewhere in `s[lo..<hi]` (spaCy's `find_infix` is truthy).
    func hasInfix(_ s: UnsafeBufferPointer<UInt32>, _ lo: Int, _ hi: Int) -> Bool {
        for i in lo..<hi where infixEnd(s, lo, i, hi) != nil { return true }
        return false
    }
}
