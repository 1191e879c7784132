/// Telephone-number shapes over the groups of a `DigitChain` window.
///
/// - international: `+CC …`, a valid ITU country calling code, 8–15 digits in all (E.164);
/// - North American: `(NXX) NXX-XXXX`, `NXX-NXX-XXXX`, `NXX.NXX.XXXX`, `NXX NXX XXXX`, optionally
///   after `1-`; area code and exchange start with 2–9 (NANP rule);
/// - European national: a trunk `0` then a non-zero digit in a 2–5 digit first group, 2+ groups
///   of 2–10 digits, 9–12 digits in all (`020 7946 0958`, `01 23 45 67 89`, `030/1234567`);
/// - Chinese mobile: `1[3-9]` and 11 digits, as one run or 3-4-4.
enum PhonePatterns {
    static func matches(_ r: Range<Int>, of c: DigitChain, in t: PIIText) -> Bool {
        let g = c.groups
        if g[r.lowerBound].plus { return international(r, of: c, in: t) }
        if r.contains(where: { g[$0].plus }) { return false }
        return northAmerican(r, of: c, in: t) || chineseMobile(r, of: c, in: t) || europeanNational(r, of: c, in: t)
    }

    static func international(_ r: Range<Int>, of c: DigitChain, in t: PIIText) -> Bool {
        let total = c.digitCount(r)
        guard total >= 8, total <= 15, r.dropFirst().allSatisfy({ c.groups[$0].separator != UInt8(ascii: "/") })
        else { return false }
        var d = [Int]()
        var k = c.groups[r.lowerBound].start + 1
        while d.count < 3 && k < t.count {
            if ASCII.isDigit(t[k]) { d.append(Int(t[k] &- 0x30)) } else if t[k] != UInt8(ascii: " ") && t[k] != UInt8(ascii: "-") { break }
            k += 1
        }
        return CountryCallingCodes.isValidPrefix(d)
    }

    static func northAmerican(_ r: Range<Int>, of c: DigitChain, in t: PIIText) -> Bool {
        var i = r.lowerBound
        let g = c.groups
        if r.count == 4 {
            guard g[i].digits == 1, t[g[i].start] == UInt8(ascii: "1"), !g[i].parenthesized else { return false }
            i += 1
        }
        guard r.upperBound - i == 3 else { return false }
        let (area, exchange, line) = (g[i], g[i + 1], g[i + 2])
        guard area.digits == 3, exchange.digits == 3, line.digits == 4, !exchange.parenthesized, !line.parenthesized,
              nxx(area, in: t), nxx(exchange, in: t) else { return false }
        let separators: [UInt8] = [UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: " ")]
        guard separators.contains(line.separator) else { return false }
        if area.parenthesized { return exchange.separator == 0 || exchange.separator == UInt8(ascii: " ") || exchange.separator == UInt8(ascii: "-") }
        return exchange.separator == line.separator
    }

    /// A 3-digit group whose first digit is 2–9.
    private static func nxx(_ group: DigitChain.Group, in t: PIIText) -> Bool {
        let first = t[group.start + (group.parenthesized ? 1 : 0)]
        return first >= UInt8(ascii: "2") && first <= UInt8(ascii: "9")
    }

    static func chineseMobile(_ r: Range<Int>, of c: DigitChain, in t: PIIText) -> Bool {
        let g = c.groups
        guard !r.contains(where: { g[$0].parenthesized }), c.digitCount(r) == 11 else { return false }
        let s = g[r.lowerBound].start
        guard t[s] == UInt8(ascii: "1"), t[s + 1] >= UInt8(ascii: "3"), t[s + 1] <= UInt8(ascii: "9") else { return false }
        if r.count == 1 { return true }
        return r.count == 3 && g[r.lowerBound].digits == 3 && g[r.lowerBound + 1].digits == 4
            && c.uniformSeparator(r, allowed: [UInt8(ascii: " "), UInt8(ascii: "-")])
    }

    static func europeanNational(_ r: Range<Int>, of c: DigitChain, in t: PIIText) -> Bool {
        let g = c.groups
        let first = g[r.lowerBound]
        guard r.count >= 2, !first.parenthesized, first.digits >= 2, first.digits <= 5,
              t[first.start] == UInt8(ascii: "0"), t[first.start + 1] != UInt8(ascii: "0") else { return false }
        let total = c.digitCount(r)
        guard total >= 9, total <= 12 else { return false }
        let dotted = r.dropFirst().contains { g[$0].separator == UInt8(ascii: ".") }
        if dotted && !c.uniformSeparator(r, allowed: [UInt8(ascii: ".")]) { return false }
        return r.dropFirst().allSatisfy { g[$0].digits >= 2 && g[$0].digits <= 10 && !g[$0].parenthesized && g[$0].separator != 0 }
    }
}
