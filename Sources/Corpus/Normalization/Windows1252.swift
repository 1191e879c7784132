/// The single-byte code page UTF-8 text is most often misread as: Windows-1252 where it
/// assigns bytes 0x80–0x9F, Latin-1 everywhere else. The five bytes Windows-1252 leaves
/// unassigned (0x81, 0x8D, 0x8F, 0x90, 0x9D) pass through as the C1 code points of the same
/// value, as browsers decode them ("sloppy" Windows-1252).
enum Windows1252 {
    /// Code points of bytes 0x80–0x9F (the published Windows-1252 table).
    static let high: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// Windows-1252 byte of each code point above U+00FF that it can encode.
    static let byteOfSpecial: [UInt32: UInt8] = {
        var m = [UInt32: UInt8]()
        for (i, v) in high.enumerated() where v > 0xFF { m[v] = UInt8(0x80 + i) }
        return m
    }()

    /// The byte a misreading of UTF-8 as Windows-1252 or Latin-1 turned into `scalar`, or nil
    /// when neither code page has it (the scalar cannot be mojibake of that kind).
    @inline(__always)
    static func byte(_ scalar: Unicode.Scalar) -> UInt8? {
        scalar.value <= 0xFF ? UInt8(scalar.value) : byteOfSpecial[scalar.value]
    }

    /// True for the C1 controls only Latin-1 produces (Windows-1252 maps those bytes to
    /// printable characters).
    @inline(__always)
    static func isLatin1OnlyControl(_ v: UInt32) -> Bool {
        v >= 0x80 && v <= 0x9F && v != 0x81 && v != 0x8D && v != 0x8F && v != 0x90 && v != 0x9D
    }

    /// The bytes `scalars` came from, read as Latin-1 when every scalar is ≤ U+00FF, else as
    /// sloppy Windows-1252; nil when neither reading explains every scalar (a C1 control that
    /// Windows-1252 never produces next to a character only Windows-1252 produces).
    static func encode<S: Sequence>(_ scalars: S) -> [UInt8]? where S.Element == Unicode.Scalar {
        var out = [UInt8](), sawC1 = false, sawSpecial = false
        for s in scalars {
            guard let b = byte(s) else { return nil }
            if isLatin1OnlyControl(s.value) { sawC1 = true }
            if s.value > 0xFF { sawSpecial = true }
            out.append(b)
        }
        return sawC1 && sawSpecial ? nil : out
    }
}
