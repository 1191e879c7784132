/// Dotted-quad IPv4 addresses under Tern's rules.
///
/// Four decimal octets 0–255 without leading zeros (Python's `ipaddress` refuses them too),
/// not glued on either side: `v1.2.3.4`, `1.2.3.4.5`, `10.0.19041.1` and `a1.2.3.4` are one
/// token each and are skipped whole, so no address is cut out of their middle. A port
/// (`:8080`), a prefix length (`/24`) or a sentence dot may follow.
enum IPv4Scanner {
    static func scan(_ t: PIIText, onlyGlobal: Bool, into out: inout [RawPIIMatch]) {
        var i = 0
        while true {
            i = t.nextDigit(from: i)
            guard i < t.count else { return }
            var tokenEnd = i
            while tokenEnd < t.count && (ASCII.isDigit(t[tokenEnd]) || t[tokenEnd] == UInt8(ascii: ".")) { tokenEnd += 1 }
            if !t.gluedBefore(i), let (end, value) = parse(at: i, in: t), !t.gluedAfter(end),
               !onlyGlobal || IPAddressRanges.isGlobal(ipv4: value) {
                out.append(RawPIIMatch(kind: .ipv4, start: i, end: end))
            }
            i = tokenEnd
        }
    }

    /// Four octets from `i`: (end offset, address), or nil.
    static func parse(at i: Int, in t: PIIText) -> (Int, UInt32)? {
        var k = i
        var value: UInt32 = 0
        for octet in 0..<4 {
            if octet > 0 {
                guard t.at(k) == UInt8(ascii: ".") else { return nil }
                k += 1
            }
            let start = k
            var v: UInt32 = 0
            while k < t.count && ASCII.isDigit(t[k]) && k - start < 4 {
                v = v * 10 + UInt32(t[k] &- 0x30)
                k += 1
            }
            let length = k - start
            guard length >= 1, length <= 3, v <= 255, length == 1 || t[start] != UInt8(ascii: "0") else { return nil }
            value = value << 8 | v
        }
        return (k, value)
    }
}
