/// E-mail addresses under Tern's rules.
///
/// Local part: datatrove's character set (`A-Za-z0-9!#$%&'*+/=?^_\`{|}~-`) in dot-separated
/// runs, at most 64 bytes; a `..` cuts it (the address starts after it). Domain: two or more
/// labels of `A-Za-z0-9-` (1–63 bytes, no hyphen at either end), at most 253 bytes; the last
/// label is a real top-level domain shape: at least two letters, or `xn--` punycode. A trailing
/// sentence dot is not part of the address. Found at every `@`, scanning outwards.
enum EmailScanner {
    static func isLocal(_ b: UInt8) -> Bool {
        if ASCII.isAlnum(b) { return true }
        switch b {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="),
             UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "{"),
             UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"), UInt8(ascii: "-"): return true
        default: return false
        }
    }

    static func scan(_ t: PIIText, into out: inout [RawPIIMatch]) {
        var i = 0
        var lastEnd = 0
        while true {
            i = t.next(UInt8(ascii: "@"), from: i)
            guard i < t.count else { return }
            if let m = match(at: i, in: t, notBefore: lastEnd) {
                out.append(m)
                lastEnd = m.end
                i = m.end
            } else {
                i += 1
            }
        }
    }

    /// The address around the `@` at byte `at`, if any.
    static func match(at a: Int, in t: PIIText, notBefore limit: Int) -> RawPIIMatch? {
        guard let s = localStart(before: a, in: t, notBefore: limit), !t.gluedBefore(s) else { return nil }
        guard let e = domainEnd(after: a, in: t) else { return nil }
        if e < t.count && (t[e] == UInt8(ascii: "@") || t.gluedAfter(e)) { return nil }
        return RawPIIMatch(kind: .email, start: s, end: e)
    }

    /// Start of the local part ending at `a`, or nil when there is no valid one.
    static func localStart(before a: Int, in t: PIIText, notBefore limit: Int) -> Int? {
        var s = a
        while s > limit && (isLocal(t[s - 1]) || t[s - 1] == UInt8(ascii: ".")) { s -= 1 }
        guard s < a, t[a - 1] != UInt8(ascii: ".") else { return nil }
        var k = a - 1
        while k > s {
            if t[k] == UInt8(ascii: ".") && t[k - 1] == UInt8(ascii: ".") { s = k + 1; break }
            k -= 1
        }
        while s < a && t[s] == UInt8(ascii: ".") { s += 1 }
        guard s < a, a - s <= 64 else { return nil }
        return s
    }

    /// End of a valid domain starting after the `@` at `a`, or nil.
    static func domainEnd(after a: Int, in t: PIIText) -> Int? {
        var e = a + 1
        while e < t.count && (ASCII.isAlnum(t[e]) || t[e] == UInt8(ascii: "-") || t[e] == UInt8(ascii: ".")) { e += 1 }
        while e > a + 1 && t[e - 1] == UInt8(ascii: ".") { e -= 1 }
        guard e - (a + 1) <= 253 else { return nil }
        var labels = 0
        var labelStart = a + 1
        var k = a + 1
        while k <= e {
            if k == e || t[k] == UInt8(ascii: ".") {
                guard validLabel(labelStart..<k, in: t) else { return nil }
                labels += 1
                if k == e { guard labels >= 2, validTLD(labelStart..<k, in: t) else { return nil } }
                labelStart = k + 1
            }
            k += 1
        }
        return e
    }

    static func validLabel(_ r: Range<Int>, in t: PIIText) -> Bool {
        !r.isEmpty && r.count <= 63 && ASCII.isAlnum(t[r.lowerBound]) && ASCII.isAlnum(t[r.upperBound - 1])
    }

    /// Two or more letters, or punycode (`xn--…`).
    static func validTLD(_ r: Range<Int>, in t: PIIText) -> Bool {
        if r.count >= 5, t[r.lowerBound] | 0x20 == UInt8(ascii: "x"), t[r.lowerBound + 1] | 0x20 == UInt8(ascii: "n"),
           t[r.lowerBound + 2] == UInt8(ascii: "-"), t[r.lowerBound + 3] == UInt8(ascii: "-") { return true }
        guard r.count >= 2 else { return false }
        for k in r where !ASCII.isAlpha(t[k]) { return false }
        return true
    }
}
