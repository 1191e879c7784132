/// spaCy's `URL_MATCH` (`spacy/lang/tokenizer_exceptions.py`): does the whole of `s[lo..<hi]`
/// match the URL pattern? The regex's choices (scheme or not, which `@` ends the user part,
/// which octet lengths) are enumerated explicitly; everything else is forced by the pattern.
///
/// Shape: `[scheme://][user[:pass]@](IPv4 | label.…label.tld)[:port][/?#rest]`, where the
/// IPv4 must not be private/loopback (negative look-aheads guard both host forms).
struct SpacyURLMatch: Sendable {
    let classes = ScalarClasses.shared

    func matches(_ s: UnsafeBufferPointer<UInt32>, _ lo: Int, _ hi: Int) -> Bool {
        // Both host forms need a dot; most chunks have none.
        var dot = false
        for i in lo..<hi where s[i] == 0x2E { dot = true; break }
        guard dot else { return false }
        var k = lo
        while k < hi && (classes.has(s[k], ScalarClasses.word) || s[k] == 0x2B || s[k] == 0x2D || s[k] == 0x2E) { k += 1 }
        let scheme = k - lo >= 2 && k + 3 <= hi && s[k] == 0x3A && s[k + 1] == 0x2F && s[k + 2] == 0x2F
        for a in scheme ? [lo, k + 3] : [lo] {
            if hostAndRest(s, a, hi) { return true }
            var q = a + 1
            while q < hi {
                if s[q] == 0x40 && hostAndRest(s, q + 1, hi) { return true }
                q += 1
            }
        }
        return false
    }

    private func isDigit(_ c: UInt32) -> Bool { classes.has(c, ScalarClasses.decimalDigit) }
    private func isASCII(_ c: UInt32, _ from: UInt32, _ to: UInt32) -> Bool { c >= from && c <= to }

    /// Host, optional port and optional path from `h` to exactly `hi`.
    private func hostAndRest(_ s: UnsafeBufferPointer<UInt32>, _ h: Int, _ hi: Int) -> Bool {
        guard h < hi, !excludedAddress(s, h, hi) else { return false }
        for e in ipv4Ends(s, h, hi) where rest(s, e, hi) { return true }
        var e = h
        while e < hi && s[e] != 0x3A && s[e] != 0x2F && s[e] != 0x3F && s[e] != 0x23 { e += 1 }
        return domain(s, h, e) && rest(s, e, hi)
    }

    /// `(?::\d{2,5})?(?:[/?#]\S*)?$` from `e` (the chunk holds no whitespace).
    private func rest(_ s: UnsafeBufferPointer<UInt32>, _ e: Int, _ hi: Int) -> Bool {
        if e == hi { return true }
        let c = s[e]
        if c == 0x2F || c == 0x3F || c == 0x23 { return true }
        guard c == 0x3A else { return false }
        var d = e + 1
        while d < hi && isDigit(s[d]) { d += 1 }
        let n = d - e - 1
        return n >= 2 && n <= 5 && (d == hi || s[d] == 0x2F || s[d] == 0x3F || s[d] == 0x23)
    }

    /// `label.…label.tld` exactly over `s[h..<e]`.
    private func domain(_ s: UnsafeBufferPointer<UInt32>, _ h: Int, _ e: Int) -> Bool {
        var lastDot = -1
        for i in h..<e where s[i] == 0x2E { lastDot = i }
        guard lastDot > h else { return false }
        let tld = e - lastDot - 1
        guard tld >= 2 && tld <= 63 else { return false }
        for i in (lastDot + 1)..<e where !classes.has(s[i], ScalarClasses.alphaLower) { return false }
        var start = h
        for i in h...lastDot where s[i] == 0x2E {
            if !label(s, start, i) { return false }
            start = i + 1
        }
        return true
    }

    private func labelChar(_ c: UInt32) -> Bool {
        isASCII(c, 0x41, 0x5A) || isASCII(c, 0x61, 0x7A) || isASCII(c, 0x30, 0x39) || isASCII(c, 0xA1, 0xFFFF)
    }

    private func label(_ s: UnsafeBufferPointer<UInt32>, _ a: Int, _ b: Int) -> Bool {
        let n = b - a
        guard n >= 1 && n <= 64, labelChar(s[a]), labelChar(s[b - 1]) else { return false }
        for i in a..<b where !(labelChar(s[i]) || s[i] == 0x5F || s[i] == 0x2D) { return false }
        return true
    }

    // MARK: IPv4

    private enum Octet { case first, middle, last }

    /// Every end position of a dotted-quad match starting at `h`.
    private func ipv4Ends(_ s: UnsafeBufferPointer<UInt32>, _ h: Int, _ hi: Int) -> [Int] {
        var ends: [Int] = []
        for a in octetEnds(s, h, hi, .first) {
            for b in dottedOctetEnds(s, a, hi, .middle) {
                for c in dottedOctetEnds(s, b, hi, .middle) {
                    ends += dottedOctetEnds(s, c, hi, .last)
                }
            }
        }
        return ends
    }

    private func dottedOctetEnds(_ s: UnsafeBufferPointer<UInt32>, _ p: Int, _ hi: Int, _ kind: Octet) -> [Int] {
        guard p < hi, s[p] == 0x2E else { return [] }
        return octetEnds(s, p + 1, hi, kind)
    }

    /// End positions of one octet alternative set at `p` (ASCII digits where the regex names
    /// them, `\d` = any decimal digit elsewhere).
    private func octetEnds(_ s: UnsafeBufferPointer<UInt32>, _ p: Int, _ hi: Int, _ kind: Octet) -> [Int] {
        func at(_ k: Int) -> UInt32 { k < hi ? s[k] : 0 }
        func d(_ k: Int) -> Bool { k < hi && isDigit(s[k]) }
        var ends: [Int] = []
        let c0 = at(p), c1 = at(p + 1), c2 = at(p + 2)
        switch kind {
        case .first, .last:
            if isASCII(c0, 0x31, 0x39) { ends.append(p + 1); if d(p + 1) { ends.append(p + 2) } }
            if c0 == 0x31 && d(p + 1) && d(p + 2) { ends.append(p + 3) }
            if kind == .first {
                if c0 == 0x32 && (c1 == 0x30 || c1 == 0x31) && d(p + 2) { ends.append(p + 3) }
                if c0 == 0x32 && c1 == 0x32 && isASCII(c2, 0x30, 0x33) { ends.append(p + 3) }
            } else {
                if c0 == 0x32 && isASCII(c1, 0x30, 0x34) && d(p + 2) { ends.append(p + 3) }
                if c0 == 0x32 && c1 == 0x35 && isASCII(c2, 0x30, 0x34) { ends.append(p + 3) }
            }
        case .middle:
            if c0 == 0x31 && d(p + 1) { ends.append(p + 2); if d(p + 2) { ends.append(p + 3) } }
            if d(p) { ends.append(p + 1); if d(p + 1) { ends.append(p + 2) } }
            if c0 == 0x32 && isASCII(c1, 0x30, 0x34) && d(p + 2) { ends.append(p + 3) }
            if c0 == 0x32 && c1 == 0x35 && isASCII(c2, 0x30, 0x35) { ends.append(p + 3) }
        }
        return ends
    }

    /// The pattern's negative look-aheads: 10.x.x.x, 127.x.x.x, 169.254.x.x, 192.168.x.x,
    /// 172.16–31.x.x (prefix matches, `\d{1,3}` per group).
    private func excludedAddress(_ s: UnsafeBufferPointer<UInt32>, _ h: Int, _ hi: Int) -> Bool {
        func lit(_ p: Int, _ text: String) -> Int? {
            var k = p
            for u in text.unicodeScalars {
                guard k < hi, s[k] == u.value else { return nil }
                k += 1
            }
            return k
        }
        if let p = lit(h, "10"), groups(s, p, hi, 3) { return true }
        if let p = lit(h, "127"), groups(s, p, hi, 3) { return true }
        if let p = lit(h, "169.254") ?? lit(h, "192.168"), groups(s, p, hi, 2) { return true }
        if let p = lit(h, "172.") {
            let a = p < hi ? s[p] : 0, b = p + 1 < hi ? s[p + 1] : 0
            let second = (a == 0x31 && isASCII(b, 0x36, 0x39)) || (a == 0x32 && p + 1 < hi && isDigit(b))
                || (a == 0x33 && (b == 0x30 || b == 0x31))
            if second && groups(s, p + 2, hi, 2) { return true }
        }
        return false
    }

    /// `(?:\.\d{1,3}){count}` as a prefix at `p`.
    private func groups(_ s: UnsafeBufferPointer<UInt32>, _ p: Int, _ hi: Int, _ count: Int) -> Bool {
        var k = p
        for g in 0..<count {
            guard k < hi, s[k] == 0x2E else { return false }
            var e = k + 1
            while e < hi && isDigit(s[e]) { e += 1 }
            let n = e - k - 1
            if n < 1 { return false }
            if g == count - 1 { return true }
            if n > 3 { return false }
            k = e
        }
        return true
    }
}
