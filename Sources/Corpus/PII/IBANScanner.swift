/// International Bank Account Numbers (ISO 13616).
///
/// Two upper-case country letters, two check digits, then the country's BBAN (upper-case
/// letters and digits) to the registry length for that country; written solid
/// (`DE89370400440532013000`) or in the printed form with single spaces after every four
/// characters (`DE89 3704 0044 0532 0130 00`). Valid when ISO 7064 mod 97-10 gives 1.
/// The BBAN's per-country letter/digit layout is not checked, only its length. A printed IBAN
/// followed by a space and another digit is left alone (it may be the start of a longer number).
enum IBANScanner {
    /// Total IBAN length per country (SWIFT IBAN registry).
    static let lengths: [UInt16: Int] = {
        let table = "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 "
            + "DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HN28 HR21 HU28 IE22 IL23 IQ23 "
            + "IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 "
            + "NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 "
            + "ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30"
        var d: [UInt16: Int] = [:]
        for entry in table.split(separator: " ") {
            let u = Array(entry.utf8)
            d[UInt16(u[0]) << 8 | UInt16(u[1])] = Int(u[2] - 48) * 10 + Int(u[3] - 48)
        }
        return d
    }()

    static func scan(_ t: PIIText, into out: inout [RawPIIMatch]) {
        var d = 0
        let n = t.count
        while true {
            // Candidates are found from their check digits: two upper-case letters, two digits.
            d = t.nextDigit(from: d)
            guard d + 2 <= n else { return }
            let i = d - 2
            guard i >= 0, ASCII.isUpper(t[i]), ASCII.isUpper(t[i + 1]), ASCII.isDigit(t[i + 3]),
                  let length = lengths[UInt16(t[i]) << 8 | UInt16(t[i + 1])], !t.gluedBefore(i),
                  let end = end(at: i, length: length, in: t) else { d += 1; continue }
            out.append(RawPIIMatch(kind: .iban, start: i, end: end))
            d = end
        }
    }

    /// End of a valid IBAN of `length` characters starting at `i`, or nil.
    static func end(at i: Int, length: Int, in t: PIIText) -> Int? {
        var k = i + 4
        var count = 4
        let spaced = t.at(k) == UInt8(ascii: " ")
        // mod 97 of the rearranged number: BBAN first, then country letters and check digits.
        var remainder = 0
        while count < length {
            if spaced && count % 4 == 0 {
                guard t.at(k) == UInt8(ascii: " ") else { return nil }
                k += 1
            }
            let b = t.at(k)
            guard ASCII.isDigit(b) || ASCII.isUpper(b) else { return nil }
            remainder = mod97(remainder, b)
            k += 1
            count += 1
        }
        guard !t.gluedAfter(k) else { return nil }
        // In the printed form, more digits after a space make the end ambiguous: leave it.
        if spaced && t.at(k) == UInt8(ascii: " ") && ASCII.isDigit(t.at(k + 1)) { return nil }
        for p in i..<(i + 4) { remainder = mod97(remainder, t[p]) }
        return remainder == 1 ? k : nil
    }

    /// Appends one IBAN character (digit, or letter as 10…35) to a running mod-97 remainder.
    @inline(__always) static func mod97(_ r: Int, _ b: UInt8) -> Int {
        ASCII.isDigit(b) ? (r * 10 + Int(b &- 48)) % 97 : (r * 100 + Int(b &- 55)) % 97
    }
}
