/// datatrove 0.10.1 `PIIFormatter`'s two regular expressions, re-implemented as hand scanners
/// with the exact matches Python's `re` finds (leftmost start, greedy with backtracking,
/// non-overlapping, Unicode `\b`):
///
///     email: \b[L]+(?:\.[L]+)*@(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?
///            |\[(?:OCTET\.){3}(?:OCTET|[A-Za-z0-9-]*[A-Za-z0-9]:)\])      L = A-Za-z0-9!#$%&'*+/=?^_`{|}~-
///     ipv4:  (?:OCTET\.){3}OCTET        OCTET = 25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?
///
/// The IPv4 pattern has no word boundaries, so it matches inside `11.2.3.4.5` and `a1.2.3.4`
/// and takes `1.2.3.25` out of `1.2.3.256`; a match is replaced only when Python's
/// `ipaddress.ip_address` accepts it (no leading zeros) and, with public-only on, `is_global`.
enum DatatroveRules {
    // MARK: e-mail

    static func emails(_ t: PIIText, into out: inout [RawPIIMatch]) {
        var lastEnd = 0
        var a = 0
        while true {
            a = t.next(UInt8(ascii: "@"), from: a)
            guard a < t.count else { return }
            if let s = emailStart(before: a, in: t, notBefore: lastEnd),
               let e = domainEnd(after: a, in: t) {
                out.append(RawPIIMatch(kind: .email, start: s, end: e))
                lastEnd = e
                a = e
            } else {
                a += 1
            }
        }
    }

    /// The leftmost start whose local part runs to the `@` at `a` with `\b` before it.
    static func emailStart(before a: Int, in t: PIIText, notBefore limit: Int) -> Int? {
        guard a > limit, t[a - 1] != UInt8(ascii: ".") else { return nil }
        var low = a
        while low > limit && (EmailScanner.isLocal(t[low - 1]) || t[low - 1] == UInt8(ascii: ".")) {
            if t[low - 1] == UInt8(ascii: ".") && low < a && t[low] == UInt8(ascii: ".") { break }
            low -= 1
        }
        for s in low..<a where EmailScanner.isLocal(t[s]) {
            let before = s > 0 && PIIText.isPythonWordScalar(t.scalar(endingAt: s))
            if before != ASCII.isWord(t[s]) { return s }
        }
        return nil
    }

    /// Where the domain (or `[…]` literal) after the `@` at `a` ends, by the regex's backtracking.
    static func domainEnd(after a: Int, in t: PIIText) -> Int? {
        if t.at(a + 1) == UInt8(ascii: "[") { return literalEnd(at: a + 1, in: t) }
        var k = a + 1
        var inner = 0
        var lastInnerEnd = 0
        while ASCII.isAlnum(t.at(k)) {
            var q = k
            while q < t.count && (ASCII.isAlnum(t[q]) || t[q] == UInt8(ascii: "-")) { q += 1 }
            if ASCII.isAlnum(t[q - 1]) && t.at(q) == UInt8(ascii: ".") {
                inner += 1
                lastInnerEnd = q
                k = q + 1
                continue
            }
            // The final label starts here and ends at its last letter or digit.
            var f = q
            while !ASCII.isAlnum(t[f - 1]) { f -= 1 }
            return inner >= 1 ? f : nil
        }
        // No label after the last dot: give the last inner label back as the final one.
        return inner >= 2 ? lastInnerEnd : nil
    }

    /// `\[(?:OCTET\.){3}(?:OCTET|[A-Za-z0-9-]*[A-Za-z0-9]:)\]` at `p`: its end, or nil.
    static func literalEnd(at p: Int, in t: PIIText) -> Int? {
        func rest(_ k: Int, _ index: Int) -> Int? {
            if index == 3 {
                for n in octetLengths(at: k, in: t) where t.at(k + n) == UInt8(ascii: "]") { return k + n + 1 }
                var q = k
                while q < t.count && (ASCII.isAlnum(t[q]) || t[q] == UInt8(ascii: "-")) { q += 1 }
                if q > k, ASCII.isAlnum(t[q - 1]), t.at(q) == UInt8(ascii: ":"), t.at(q + 1) == UInt8(ascii: "]") { return q + 2 }
                return nil
            }
            for n in octetLengths(at: k, in: t) where t.at(k + n) == UInt8(ascii: ".") {
                if let e = rest(k + n + 1, index + 1) { return e }
            }
            return nil
        }
        return rest(p + 1, 0)
    }

    // MARK: IPv4

    /// The lengths `25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?` can match at `p`, in the order `re` tries them.
    static func octetLengths(at p: Int, in t: PIIText) -> [Int] {
        let (d0, d1, d2) = (t.at(p), t.at(p + 1), t.at(p + 2))
        var c: [Int] = []
        if d0 == UInt8(ascii: "2") && d1 == UInt8(ascii: "5") && d2 >= UInt8(ascii: "0") && d2 <= UInt8(ascii: "5") { c.append(3) }
        if d0 == UInt8(ascii: "2") && d1 >= UInt8(ascii: "0") && d1 <= UInt8(ascii: "4") && ASCII.isDigit(d2) { c.append(3) }
        if (d0 == UInt8(ascii: "0") || d0 == UInt8(ascii: "1")) && ASCII.isDigit(d1) {
            if ASCII.isDigit(d2) { c.append(3) }
            c.append(2)
        }
        if ASCII.isDigit(d0) {
            if ASCII.isDigit(d1) { c.append(2) }
            c.append(1)
        }
        return c
    }

    /// The IPv4 regex match starting at `s`, if any (its end).
    static func ipv4End(at s: Int, in t: PIIText) -> Int? {
        func rest(_ k: Int, _ index: Int) -> Int? {
            let lengths = octetLengths(at: k, in: t)
            if index == 3 { return lengths.first.map { k + $0 } }
            for n in lengths where t.at(k + n) == UInt8(ascii: ".") {
                if let e = rest(k + n + 1, index + 1) { return e }
            }
            return nil
        }
        return rest(s, 0)
    }

    /// Every regex match in order, with whether datatrove's validator lets it be replaced.
    static func ipv4(_ t: PIIText, onlyGlobal: Bool, into out: inout [RawPIIMatch]) {
        var s = 0
        while true {
            s = t.nextDigit(from: s)
            guard s < t.count else { return }
            guard let e = ipv4End(at: s, in: t) else { s += 1; continue }
            if let value = pythonAddress(s..<e, in: t),
               !onlyGlobal || IPAddressRanges.isGlobal(ipv4: value) {
                out.append(RawPIIMatch(kind: .ipv4, start: s, end: e))
            }
            s = e
        }
    }

    /// `ipaddress.ip_address` on a regex match (octets are ≤ 255 by the regex): nil when an
    /// octet has a leading zero, which CPython 3.11 refuses.
    static func pythonAddress(_ r: Range<Int>, in t: PIIText) -> UInt32? {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var start = r.lowerBound
        for k in r.lowerBound...r.upperBound {
            if k == r.upperBound || t[k] == UInt8(ascii: ".") {
                if k - start > 1 && t[start] == UInt8(ascii: "0") { return nil }
                value = value << 8 | octet
                octet = 0
                start = k + 1
            } else {
                octet = octet * 10 + UInt32(t[k] &- 48)
            }
        }
        return value
    }
}
