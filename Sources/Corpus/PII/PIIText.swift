#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only view of a text's UTF-8 bytes with the character tests the PII scanners share.
///
/// Boundary rule (Tern rules): a match must not be glued to a "word character" on either side:
/// an ASCII letter, digit or `_`, or a non-ASCII letter or digit of a script written with spaces
/// (Latin, Greek, Cyrillic, Arabic, …). Scripts written without spaces (CJK, kana, Hangul,
/// Thai, Lao, Khmer, Myanmar, Tibetan) do not glue, so `电话13812345678。` is found. A joiner
/// (`-`, `.`, `_`) with a letter or digit behind it also glues: `v1.2.3.4`, `1.2.3.4.5` and
/// `ORD-4111111111111111` are single tokens, not PII.
struct PIIText {
    let bytes: UnsafeBufferPointer<UInt8>
    var count: Int { bytes.count }

    @inline(__always) subscript(_ i: Int) -> UInt8 { bytes[i] }
    /// The byte at `i`, or 0 outside the text (0 belongs to no class below).
    @inline(__always) func at(_ i: Int) -> UInt8 { i >= 0 && i < bytes.count ? bytes[i] : 0 }

    /// The first offset ≥ `i` holding `byte`, or `count` (memchr: the e-mail and IPv6 passes
    /// skip text without `@` or `:` at memory speed).
    func next(_ byte: UInt8, from i: Int) -> Int {
        guard i < bytes.count, let base = bytes.baseAddress,
              let p = memchr(base + i, Int32(byte), bytes.count - i) else { return bytes.count }
        return base.distance(to: p.assumingMemoryBound(to: UInt8.self))
    }

    /// The first offset ≥ `i` holding an ASCII digit, or `count`. Eight bytes at a time: XOR
    /// with `0x30` maps `'0'…'9'` to 0…9, and the has-less-than-10 bit trick flags those bytes;
    /// the lowest flagged byte is exact (borrows only run upwards). `nextDigitReference` is
    /// the plain loop the tests hold it equal to.
    func nextDigit(from i: Int) -> Int {
        let n = bytes.count
        guard let base = bytes.baseAddress else { return n }
        var k = max(i, 0)
        let raw = UnsafeRawPointer(base)
        while k + 8 <= n {
            let x = raw.loadUnaligned(fromByteOffset: k, as: UInt64.self) ^ 0x3030_3030_3030_3030
            let flags = (x &- 0x0A0A_0A0A_0A0A_0A0A) & ~x & 0x8080_8080_8080_8080
            if flags != 0 { return k + UInt64(littleEndian: flags).trailingZeroBitCount / 8 }
            k += 8
        }
        while k < n && !ASCII.isDigit(bytes[k]) { k += 1 }
        return k
    }

    /// `nextDigit`, one byte at a time.
    func nextDigitReference(from i: Int) -> Int {
        var k = max(i, 0)
        while k < bytes.count && !ASCII.isDigit(bytes[k]) { k += 1 }
        return k
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    // MARK: Glue (Tern boundary rule)

    /// Whether the character just before byte `i` glues to a match starting at `i`.
    func gluedBefore(_ i: Int) -> Bool {
        guard i > 0 else { return false }
        let b = bytes[i - 1]
        if b < 0x80 {
            if ASCII.isWord(b) { return true }
            if ASCII.isJoiner(b) { return i >= 2 && bytes[i - 2] < 0x80 && ASCII.isAlnum(bytes[i - 2]) }
            return false
        }
        return Self.isSpacedWordScalar(scalar(endingAt: i))
    }

    /// Whether the character at byte `j` glues to a match ending at `j`.
    func gluedAfter(_ j: Int) -> Bool {
        guard j < bytes.count else { return false }
        let b = bytes[j]
        if b < 0x80 {
            if ASCII.isWord(b) { return true }
            if ASCII.isJoiner(b) { return j + 1 < bytes.count && ASCII.isAlnum(bytes[j + 1]) }
            return false
        }
        return Self.isSpacedWordScalar(scalar(startingAt: j))
    }

    /// The scalar value whose encoding ends just before byte `i` (U+FFFD if malformed).
    func scalar(endingAt i: Int) -> UInt32 {
        var s = i - 1
        while s > 0 && s > i - 4 && bytes[s] & 0xC0 == 0x80 { s -= 1 }
        return scalar(startingAt: s)
    }

    /// The scalar value encoded at byte `j` (U+FFFD if malformed; String storage is valid UTF-8).
    func scalar(startingAt j: Int) -> UInt32 {
        let b0 = UInt32(bytes[j])
        if b0 < 0x80 { return b0 }
        let n = b0 >= 0xF0 ? 3 : b0 >= 0xE0 ? 2 : b0 >= 0xC0 ? 1 : -1
        guard n > 0, j + n < bytes.count else { return 0xFFFD }
        var v = b0 & (0x3F >> UInt32(n))
        for k in 1...n {
            let c = UInt32(bytes[j + k])
            guard c & 0xC0 == 0x80 else { return 0xFFFD }
            v = v << 6 | (c & 0x3F)
        }
        return v
    }

    /// Python's `\w` for one scalar (str.isalnum or `_`), used by datatrove's `\b`.
    static func isPythonWordScalar(_ v: UInt32) -> Bool {
        if v < 0x80 { return ASCII.isWord(UInt8(v)) }
        guard let s = Unicode.Scalar(v) else { return false }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return s.properties.numericType != nil
        }
    }

    /// A non-ASCII letter or digit of a script that separates words with spaces.
    static func isSpacedWordScalar(_ v: UInt32) -> Bool {
        if isSpacelessScript(v) { return false }
        return isPythonWordScalar(v)
    }

    /// CJK, kana, Hangul, Thai, Lao, Tibetan, Myanmar, Khmer, and fullwidth forms.
    static func isSpacelessScript(_ v: UInt32) -> Bool {
        switch v {
        case 0x0E00...0x0FFF, 0x1000...0x109F, 0x1780...0x17FF, 0x1100...0x11FF: return true
        case 0x2E80...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7FF, 0xF900...0xFAFF, 0xFF00...0xFFEF: return true
        case 0x20000...0x3FFFF: return true
        default: return false
        }
    }
}

/// Byte classes for ASCII.
enum ASCII {
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }
    @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b &- 0x41 < 26 }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || isAlpha(b) }
    @inline(__always) static func isWord(_ b: UInt8) -> Bool { isAlnum(b) || b == 0x5F }
    @inline(__always) static func isHex(_ b: UInt8) -> Bool { isDigit(b) || (b | 0x20) &- 0x61 < 6 }
    @inline(__always) static func isJoiner(_ b: UInt8) -> Bool { b == 0x2D || b == 0x2E || b == 0x5F }
    @inline(__always) static func hexValue(_ b: UInt8) -> Int { isDigit(b) ? Int(b &- 0x30) : Int((b | 0x20) &- 0x61) + 10 }
}
