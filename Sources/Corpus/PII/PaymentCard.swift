/// Payment-card numbers: issuer identification number (IIN) ranges with their lengths, and the
/// Luhn check. The table is the public IIN allocation of the major schemes.
enum PaymentCard {
    /// (first prefix, last prefix, prefix digits, lengths).
    static let issuers: [(Int, Int, Int, ClosedRange<Int>, [Int])] = [
        // Visa
        (4, 4, 1, 13...19, [13, 16, 19]),
        // Mastercard (51–55 and the 2-series)
        (51, 55, 2, 16...16, []), (2221, 2720, 4, 16...16, []),
        // American Express
        (34, 34, 2, 15...15, []), (37, 37, 2, 15...15, []),
        // Diners Club
        (300, 305, 3, 14...19, []), (36, 36, 2, 14...19, []), (38, 39, 2, 16...19, []),
        // Discover
        (6011, 6011, 4, 16...19, []), (644, 649, 3, 16...19, []), (65, 65, 2, 16...19, []),
        // JCB
        (3528, 3589, 4, 16...19, []),
        // UnionPay
        (62, 62, 2, 16...19, []),
        // Maestro
        (5018, 5018, 4, 13...19, []), (5020, 5020, 4, 13...19, []), (5038, 5038, 4, 13...19, []),
        (5893, 5893, 4, 13...19, []), (6304, 6304, 4, 13...19, []), (6759, 6759, 4, 13...19, []),
        (6761, 6763, 4, 13...19, []),
        // Mir
        (2200, 2204, 4, 16...19, []),
    ]

    /// Whether `digits` (values 0–9) start with a known issuer prefix allowed at this length.
    static func knownIssuer(_ digits: [UInt8]) -> Bool {
        let n = digits.count
        for (low, high, prefixDigits, lengths, exact) in issuers {
            guard n >= prefixDigits, lengths.contains(n), exact.isEmpty || exact.contains(n) else { continue }
            var p = 0
            for k in 0..<prefixDigits { p = p * 10 + Int(digits[k]) }
            if p >= low && p <= high { return true }
        }
        return false
    }

    /// The Luhn (mod 10) check over digit values: true when the last digit is right.
    static func luhnValid(_ digits: [UInt8]) -> Bool {
        var sum = 0
        var double = false
        for d in digits.reversed() {
            var v = Int(d)
            if double { v *= 2; if v > 9 { v -= 9 } }
            sum += v
            double.toggle()
        }
        return !digits.isEmpty && sum % 10 == 0
    }

    /// Groups `r` of `chain` as a card number: one run of 13–19 digits, or groups joined by one
    /// kind of separator (space or dash) starting with 4 digits (4-4-4-4, 4-6-5, 4-6-4,
    /// 4-4-4-4-3, and 4-4-4-1 / 4-4-4-2 for 13- and 14-digit numbers grouped by four).
    static func matches(_ r: Range<Int>, of chain: DigitChain, in t: PIIText, buffer: inout [UInt8]) -> Bool {
        guard chain.digitCount(r) >= 13, chain.digitCount(r) <= 19,
              r.count == 1 ? !chain.groups[r.lowerBound].plus && !chain.groups[r.lowerBound].parenthesized : shaped(r, of: chain)
        else { return false }
        chain.digits(r, in: t, into: &buffer)
        return knownIssuer(buffer) && luhnValid(buffer)
    }

    /// Whether two or more groups `r` are written like a card number (see `matches`).
    static func shaped(_ r: Range<Int>, of chain: DigitChain) -> Bool {
        let g = chain.groups
        guard r.count > 1, !r.contains(where: { g[$0].plus || g[$0].parenthesized }) else { return false }
        let total = chain.digitCount(r)
        guard total >= 13, total <= 19, g[r.lowerBound].digits == 4,
              chain.uniformSeparator(r, allowed: [UInt8(ascii: " "), UInt8(ascii: "-")]),
              r.dropFirst().dropLast().allSatisfy({ g[$0].digits >= 4 && g[$0].digits <= 6 }),
              g[r.upperBound - 1].digits <= 6 else { return false }
        // A short last group (1–2 digits) only after groups of exactly four: 4-4-4-1, 4-4-4-2.
        return g[r.upperBound - 1].digits >= 3 || r.dropLast().allSatisfy { g[$0].digits == 4 }
    }
}
