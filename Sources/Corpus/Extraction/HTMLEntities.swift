/// HTML character references (`&amp;`, `&#233;`, `&#xE9;`, legacy `&eacute` without ';'), decoded
/// as the WHATWG tokenizer does, straight into a UTF-8 byte buffer.
enum HTMLEntities {
    /// Name (without '&', with ';' when spelled so) → one or two scalars (second 0 when absent).
    static let byName: [String: (UInt32, UInt32)] = {
        var table: [String: (UInt32, UInt32)] = [:]
        table.reserveCapacity(2300)
        for line in tableSource.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { continue }
            let scalars = parts[1].split(separator: ",").compactMap { UInt32($0, radix: 16) }
            table[String(parts[0])] = (scalars.first ?? 0xFFFD, scalars.count > 1 ? scalars[1] : 0)
        }
        return table
    }()

    /// Longest name in the table (`&CounterClockwiseContourIntegral;`), bytes without '&'.
    static let longestName = 32

    /// Windows-1252 meanings of the C1 range 0x80…0x9F, which numeric references are remapped to
    /// (HTML's "numeric character reference end state" table); 0 = keep the code point.
    static let c1Remap: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    /// Decodes the reference starting at `bytes[start]` (an '&') and appends its UTF-8 to `out`.
    /// Returns the index just past what was consumed; when there is no valid reference, appends
    /// the '&' alone and returns `start + 1`. `inAttribute` applies the attribute-value rule for
    /// legacy names (`&copy=` stays literal).
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, end: Int,
                       inAttribute: Bool, into out: inout [UInt8]) -> Int {
        var i = start + 1
        guard i < end else { out.append(0x26); return start + 1 }
        if bytes[i] == 0x23 { // '#'
            return decodeNumeric(bytes, at: start, end: end, into: &out)
        }
        // Name characters: ASCII alphanumerics, at most the longest table name.
        let nameStart = i
        while i < end, i - nameStart < longestName, isAlnum(bytes[i]) { i += 1 }
        guard i > nameStart else { out.append(0x26); return start + 1 }
        if i < end, bytes[i] == 0x3B, let v = lookup(bytes, nameStart, i + 1) { // with ';'
            appendScalars(v, to: &out)
            return i + 1
        }
        // Legacy names without ';': the longest prefix that is one.
        var length = i - nameStart
        while length >= 2 {
            if let v = lookup(bytes, nameStart, nameStart + length) {
                let next = nameStart + length
                if inAttribute, next < end, bytes[next] == 0x3D || isAlnum(bytes[next]) { break }
                appendScalars(v, to: &out)
                return next
            }
            length -= 1
        }
        out.append(0x26)
        return start + 1
    }

    /// `&#123;` / `&#x7B;` (the ';' optional), with HTML's replacements for 0, surrogates,
    /// out-of-range values and the C1 controls.
    static func decodeNumeric(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, end: Int,
                              into out: inout [UInt8]) -> Int {
        var i = start + 2
        var hex = false
        if i < end, bytes[i] | 0x20 == 0x78 { hex = true; i += 1 } // 'x' / 'X'
        let digitsStart = i
        var value: UInt32 = 0
        while i < end {
            let b = bytes[i]
            let digit: UInt32
            if b >= 0x30 && b <= 0x39 { digit = UInt32(b - 0x30) }
            else if hex, b | 0x20 >= 0x61 && b | 0x20 <= 0x66 { digit = UInt32((b | 0x20) - 0x61 + 10) }
            else { break }
            value = min(value &* (hex ? 16 : 10) &+ digit, 0x110000) // saturates: no overflow
            i += 1
        }
        guard i > digitsStart else { out.append(0x26); return start + 1 }
        if i < end, bytes[i] == 0x3B { i += 1 }
        if value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF) {
            value = 0xFFFD
        } else if value >= 0x80 && value <= 0x9F, c1Remap[Int(value - 0x80)] != 0 {
            value = c1Remap[Int(value - 0x80)]
        }
        appendUTF8(value, to: &out)
        return i
    }

    @inline(__always)
    static func isAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A)
    }

    static func lookup(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> (UInt32, UInt32)? {
        byName[String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)]
    }

    static func appendScalars(_ v: (UInt32, UInt32), to out: inout [UInt8]) {
        appendUTF8(v.0, to: &out)
        if v.1 != 0 { appendUTF8(v.1, to: &out) }
    }

    /// Appends the UTF-8 encoding of scalar `v` (assumed valid: ≤ 0x10FFFF, not a surrogate).
    @inline(__always)
    static func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6))); out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12))); out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18))); out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}

extension HTMLEntities {
    /// Plain text with the character references left in it decoded, strictly: only complete
    /// references ending in `;` whose name is in HTML's table or whose number is a valid
    /// character (`&amp` without `;`, `&#0;`, `&#xD800;` and unknown names stay as written).
    static func decodeText(_ text: String) -> String {
        guard text.utf8.contains(0x26) else { return text }
        var out = [UInt8]()
        var text = text
        text.withUTF8 { b in
            out.reserveCapacity(b.count)
            var i = 0
            while i < b.count {
                guard b[i] == 0x26, let semicolon = (i + 2..<min(b.count, i + longestName + 2)).first(where: { b[$0] == 0x3B }) else {
                    out.append(b[i])
                    i += 1
                    continue
                }
                if b[i + 1] == 0x23 {  // '#'
                    let hex = i + 2 < semicolon && (b[i + 2] | 0x20) == UInt8(ascii: "x")
                    let digits = String(decoding: b[(i + (hex ? 3 : 2))..<semicolon], as: UTF8.self)
                    if let v = UInt32(digits, radix: hex ? 16 : 10), v != 0, let scalar = Unicode.Scalar(v), !digits.isEmpty,
                       digits.allSatisfy(\.isHexDigit) {
                        out.append(contentsOf: Array(String(scalar).utf8))
                        i = semicolon + 1
                        continue
                    }
                } else if (i + 1..<semicolon).allSatisfy({ isAlnum(b[$0]) }), let v = lookup(b, i + 1, semicolon + 1) {
                    appendScalars(v, to: &out)
                    i = semicolon + 1
                    continue
                }
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
