/// IPv6 addresses (RFC 4291 text forms) under Tern's rules.
///
/// Eight groups of 1–4 hex digits, or fewer with one `::` standing for at least one zero
/// group, optionally ending in a dotted IPv4 (`::ffff:192.0.2.1`, which counts as two groups).
/// To keep times (`12:30:45`), MAC addresses (`00:1a:2b:3c:4d:5e`, six groups) and C++ scopes
/// (`A::B`) out, an address needs at least two written groups and one decimal digit. MAC
/// addresses are not redacted. Found at every `:`, by taking the whole `[0-9A-Fa-f:.]` token
/// around it; a token that is not an address is skipped whole.
enum IPv6Scanner {
    static func isTokenByte(_ b: UInt8) -> Bool { ASCII.isHex(b) || b == UInt8(ascii: ":") || b == UInt8(ascii: ".") }

    static func scan(_ t: PIIText, onlyGlobal: Bool, into out: inout [RawPIIMatch]) {
        var i = 0
        while true {
            i = t.next(UInt8(ascii: ":"), from: i)
            guard i < t.count else { return }
            var s = i
            while s > 0 && (ASCII.isHex(t[s - 1]) || t[s - 1] == UInt8(ascii: ":")) { s -= 1 }
            var e = i
            while e < t.count && isTokenByte(t[e]) { e += 1 }
            if let m = address(in: s..<e, of: t, onlyGlobal: onlyGlobal) { out.append(m) }
            i = max(e, i + 1)
        }
    }

    /// The address a token holds after trimming punctuation around it, if any.
    static func address(in token: Range<Int>, of t: PIIText, onlyGlobal: Bool) -> RawPIIMatch? {
        var s = token.lowerBound
        var e = token.upperBound
        while e > s && t[e - 1] == UInt8(ascii: ".") { e -= 1 }
        if e - s >= 2 && t[e - 1] == UInt8(ascii: ":") && t[e - 2] != UInt8(ascii: ":") { e -= 1 }
        if e - s >= 2 && t[s] == UInt8(ascii: ":") && t[s + 1] != UInt8(ascii: ":") { s += 1 }
        guard e > s, !t.gluedBefore(s), !t.gluedAfter(e), let (hi, lo) = parse(s..<e, in: t) else { return nil }
        if onlyGlobal && !IPAddressRanges.isGlobal(ipv6: hi, lo) { return nil }
        return RawPIIMatch(kind: .ipv6, start: s, end: e)
    }

    /// The 128-bit value of `r` as (high, low) 64-bit halves, or nil if it is no address.
    static func parse(_ r: Range<Int>, in t: PIIText) -> (UInt64, UInt64)? {
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawGap = false
        var sawDigit = false
        var k = r.lowerBound
        if k + 1 < r.upperBound && t[k] == UInt8(ascii: ":") && t[k + 1] == UInt8(ascii: ":") { sawGap = true; k += 2 }
        while k < r.upperBound {
            let groupStart = k
            var v = 0
            while k < r.upperBound && ASCII.isHex(t[k]) && k - groupStart < 5 {
                if ASCII.isDigit(t[k]) { sawDigit = true }
                v = v << 4 | ASCII.hexValue(t[k])
                k += 1
            }
            if k < r.upperBound && t[k] == UInt8(ascii: ".") {
                // An embedded IPv4 ends the address.
                guard let (end, v4) = IPv4Scanner.parse(at: groupStart, in: t), end == r.upperBound else { return nil }
                sawDigit = true
                let pair = [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
                if sawGap { tail += pair } else { head += pair }
                break
            }
            guard k - groupStart >= 1, k - groupStart <= 4 else { return nil }
            if sawGap { tail.append(UInt16(v)) } else { head.append(UInt16(v)) }
            if k == r.upperBound { break }
            guard t[k] == UInt8(ascii: ":") else { return nil }
            k += 1
            if k < r.upperBound && t[k] == UInt8(ascii: ":") {
                guard !sawGap else { return nil }
                sawGap = true
                k += 1
            } else if k == r.upperBound {
                return nil
            }
        }
        let written = head.count + tail.count
        guard sawDigit, written >= 2, sawGap ? written <= 7 : written == 8 else { return nil }
        let groups = head + [UInt16](repeating: 0, count: 8 - written) + tail
        var hi: UInt64 = 0
        var lo: UInt64 = 0
        for g in 0..<4 { hi = hi << 16 | UInt64(groups[g]) }
        for g in 4..<8 { lo = lo << 16 | UInt64(groups[g]) }
        return (hi, lo)
    }
}
