/// Chinese resident identity numbers (GB 11643-1999).
///
/// 18 characters: a 6-digit region code (its first two digits a province code), the birth date
/// `YYYYMMDD` (a real calendar date, years 1800–2099), a 3-digit sequence number, and the
/// ISO 7064 MOD 11-2 check character `0`–`9` or `X`. The county part of the region code is not
/// looked up. Optionally the 15-digit pre-1999 form (`YYMMDD` in the 1900s, no check character).
enum ChineseIDScanner {
    /// Province-level codes (first two digits).
    static let provinces: Set<Int> = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43,
                                      44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83]
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

    static func scan(_ t: PIIText, legacy: Bool, into out: inout [RawPIIMatch]) {
        var i = 0
        while true {
            i = t.nextDigit(from: i)
            guard i < t.count else { return }
            var e = i
            while e < t.count && ASCII.isDigit(t[e]) { e += 1 }
            if e - i == 17 && (t.at(e) | 0x20) == UInt8(ascii: "x") { e += 1 }
            if !t.gluedBefore(i) && !t.gluedAfter(e)
                && (e - i == 18 && valid18(at: i, in: t) || legacy && e - i == 15 && valid15(at: i, in: t)) {
                out.append(RawPIIMatch(kind: .chineseID, start: i, end: e))
            }
            i = e
        }
    }

    static func number(_ t: PIIText, _ r: Range<Int>) -> Int { r.reduce(0) { $0 * 10 + Int(t[$1] &- 48) } }

    static func valid18(at i: Int, in t: PIIText) -> Bool {
        guard provinces.contains(number(t, i..<(i + 2))) else { return false }
        let year = number(t, (i + 6)..<(i + 10))
        guard year >= 1800, year <= 2099,
              validDate(year: year, month: number(t, (i + 10)..<(i + 12)), day: number(t, (i + 12)..<(i + 14)))
        else { return false }
        var sum = 0
        for k in 0..<17 { sum += Int(t[i + k] &- 48) * weights[k] }
        let check = (12 - sum % 11) % 11
        let last = t[i + 17]
        return check == 10 ? (last | 0x20) == UInt8(ascii: "x") : Int(last) - 48 == check
    }

    static func valid15(at i: Int, in t: PIIText) -> Bool {
        provinces.contains(number(t, i..<(i + 2)))
            && validDate(year: 1900 + number(t, (i + 6)..<(i + 8)), month: number(t, (i + 8)..<(i + 10)),
                         day: number(t, (i + 10)..<(i + 12)))
    }

    static func validDate(year: Int, month: Int, day: Int) -> Bool {
        guard month >= 1, month <= 12, day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }
}
