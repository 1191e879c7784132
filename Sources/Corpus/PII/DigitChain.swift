/// A run of digit groups joined by single separators, as phone and card numbers are written:
/// `+44 (0)20 7946 0958`, `(415) 555-2671`, `4111 1111 1111 1111`, `138-1234-5678`.
///
/// The phone and card scanners read the chain once and then try windows of whole groups, so a
/// number is never cut in the middle of a group. A window may start or end inside the chain only
/// at a space (`Room 12 415-555-2671` holds a phone; `12-415-555-2671` does not).
struct DigitChain {
    /// One group: a digit run, `+digits` (only first), or `(digits)`.
    struct Group {
        /// Byte range, including `+` or the parentheses.
        var start: Int
        var end: Int
        /// Number of digits in the group.
        var digits: Int
        /// The byte that joined it to the group before: space, `-`, `.`, `/`, or 0 (first group,
        /// or written adjacent to a parenthesized group).
        var separator: UInt8
        var plus: Bool
        var parenthesized: Bool
    }

    static let maxGroups = 8
    var groups: [Group] = []

    /// Reads the chain starting at `i` (a digit, or `+`/`(` before one); false if none starts there.
    mutating func read(at i: Int, in t: PIIText) -> Bool {
        groups.removeAll(keepingCapacity: true)
        var k = i
        var separator: UInt8 = 0
        while groups.count < Self.maxGroups, let g = group(at: k, separator: separator, in: t) {
            groups.append(g)
            let e = g.end
            let b = t.at(e)
            if (b == UInt8(ascii: " ") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "/"))
                && startsGroup(at: e + 1, in: t) {
                separator = b
                k = e + 1
            } else if (g.parenthesized && ASCII.isDigit(b)) || (b == UInt8(ascii: "(") && startsGroup(at: e, in: t)) {
                separator = 0
                k = e
            } else {
                break
            }
        }
        return !groups.isEmpty
    }

    private func startsGroup(at k: Int, in t: PIIText) -> Bool {
        ASCII.isDigit(t.at(k)) || (t.at(k) == UInt8(ascii: "(") && ASCII.isDigit(t.at(k + 1)))
    }

    private func group(at k: Int, separator: UInt8, in t: PIIText) -> Group? {
        let b = t.at(k)
        if b == UInt8(ascii: "+") && groups.isEmpty && ASCII.isDigit(t.at(k + 1)) {
            let e = digitRunEnd(k + 1, in: t)
            return Group(start: k, end: e, digits: e - k - 1, separator: 0, plus: true, parenthesized: false)
        }
        if b == UInt8(ascii: "(") && ASCII.isDigit(t.at(k + 1)) {
            let e = digitRunEnd(k + 1, in: t)
            guard t.at(e) == UInt8(ascii: ")"), e - k - 1 <= 4 else { return nil }
            return Group(start: k, end: e + 1, digits: e - k - 1, separator: separator, plus: false, parenthesized: true)
        }
        guard ASCII.isDigit(b) else { return nil }
        let e = digitRunEnd(k, in: t)
        return Group(start: k, end: e, digits: e - k, separator: separator, plus: false, parenthesized: false)
    }

    private func digitRunEnd(_ k: Int, in t: PIIText) -> Int {
        var e = k
        while e < t.count && ASCII.isDigit(t[e]) { e += 1 }
        return e
    }

    /// Whether a window may start at group `i` (the caller has checked the chain's own ends).
    func canStart(_ i: Int) -> Bool { i == 0 || groups[i].separator == UInt8(ascii: " ") }

    /// Whether a window may end after group `j - 1`.
    func canEnd(_ j: Int) -> Bool { j == groups.count || groups[j].separator == UInt8(ascii: " ") }

    /// The digits of groups `r` in order, into `buffer` (cleared first).
    func digits(_ r: Range<Int>, in t: PIIText, into buffer: inout [UInt8]) {
        buffer.removeAll(keepingCapacity: true)
        for g in r {
            for k in groups[g].start..<groups[g].end where ASCII.isDigit(t[k]) { buffer.append(t[k] &- 0x30) }
        }
    }

    /// Total digits in groups `r`.
    func digitCount(_ r: Range<Int>) -> Int { r.reduce(0) { $0 + groups[$1].digits } }

    /// Whether groups `r.lowerBound+1 ..< r.upperBound` all use one separator from `allowed`.
    func uniformSeparator(_ r: Range<Int>, allowed: [UInt8]) -> Bool {
        guard r.count > 1 else { return true }
        let s = groups[r.lowerBound + 1].separator
        guard allowed.contains(s) else { return false }
        return groups[(r.lowerBound + 1)..<r.upperBound].allSatisfy { $0.separator == s }
    }
}
