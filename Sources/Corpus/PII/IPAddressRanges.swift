/// Python 3.11's `ipaddress` notion of a global address (`is_global`), the test datatrove
/// applies before replacing an IP. The tables are the IANA special-purpose registries as
/// CPython 3.11.7 encodes them (`_IPv4Constants`, `_IPv6Constants`).
enum IPAddressRanges {
    /// (network, prefix length) pairs of IPv4 `_private_networks`.
    static let ipv4Private: [(UInt32, Int)] = [
        (0x0000_0000, 8), (0x0A00_0000, 8), (0x7F00_0000, 8), (0xA9FE_0000, 16), (0xAC10_0000, 12),
        (0xC000_0000, 29), (0xC000_00AA, 31), (0xC000_0200, 24), (0xC0A8_0000, 16), (0xC612_0000, 15),
        (0xC633_6400, 24), (0xCB00_7100, 24), (0xF000_0000, 4), (0xFFFF_FFFF, 32),
    ]
    /// 100.64.0.0/10, shared address space: neither private nor global.
    static let ipv4Shared: (UInt32, Int) = (0x6440_0000, 10)

    /// IPv6 `_private_networks` as (high 64 bits, low 64 bits, prefix length).
    static let ipv6Private: [(UInt64, UInt64, Int)] = [
        (0, 1, 128), (0, 0, 128), (0, 0x0000_FFFF_0000_0000, 96), (0x0100_0000_0000_0000, 0, 64),
        (0x2001_0000_0000_0000, 0, 23), (0x2001_0002_0000_0000, 0, 48), (0x2001_0DB8_0000_0000, 0, 32),
        (0x2001_0010_0000_0000, 0, 28), (0xFC00_0000_0000_0000, 0, 7), (0xFE80_0000_0000_0000, 0, 10),
    ]

    static func contains(_ address: UInt32, _ net: (UInt32, Int)) -> Bool {
        let mask: UInt32 = net.1 == 0 ? 0 : ~UInt32(0) << UInt32(32 - net.1)
        return address & mask == net.0 & mask
    }

    /// `ipaddress.IPv4Address(x).is_private`.
    static func isPrivate(ipv4 a: UInt32) -> Bool { ipv4Private.contains { contains(a, $0) } }

    /// `ipaddress.IPv4Address(x).is_global`.
    static func isGlobal(ipv4 a: UInt32) -> Bool { !contains(a, ipv4Shared) && !isPrivate(ipv4: a) }

    /// `ipaddress.IPv6Address(x).is_global`: an IPv4-mapped address (`::ffff:a.b.c.d`) is global
    /// when its IPv4 part is not private (CPython 3.11 tests `is_private` there, not `is_global`).
    static func isGlobal(ipv6 hi: UInt64, _ lo: UInt64) -> Bool {
        if hi == 0 && lo >> 32 == 0xFFFF { return !isPrivate(ipv4: UInt32(truncatingIfNeeded: lo)) }
        for (nh, nl, bits) in ipv6Private {
            let hiMask: UInt64 = bits >= 64 ? ~0 : (bits == 0 ? 0 : ~UInt64(0) << UInt64(64 - bits))
            let loMask: UInt64 = bits <= 64 ? 0 : (bits == 128 ? ~0 : ~UInt64(0) << UInt64(128 - bits))
            if hi & hiMask == nh & hiMask && lo & loMask == nl & loMask { return false }
        }
        return true
    }
}
