/// Input decoding: pages are UTF-8 unless a `<meta charset>` (or `http-equiv` content type)
/// near the top declares Windows-1252 / ISO-8859-1 (one encoding for HTML, per WHATWG) or
/// ASCII. Invalid UTF-8 is not repaired here; it becomes U+FFFD when text is made a `String`.
enum HTMLCharset {
    /// How many leading bytes are searched for a declaration (WHATWG's prescan reads 1024).
    static let prescanLength = 1024

    /// Labels decoded as Windows-1252 (WHATWG maps all of them to it).
    static let windows1252Labels: Set<String> = [
        "windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1",
        "iso-ir-100", "csisolatin1", "ibm819", "cp819", "iso88591", "us-ascii", "ascii", "ansi_x3.4-1968",
    ]

    /// The charset label a `<meta>` declares in the first `prescanLength` bytes, lower-cased.
    static func declared(in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let n = min(bytes.count, prescanLength)
        let needle = Array("charset".utf8)
        var i = 0
        while i + needle.count <= n {
            var hit = true
            for k in 0..<needle.count where (bytes[i + k] | 0x20) != needle[k] { hit = false; break }
            if hit {
                var j = i + needle.count
                while j < n, isSpace(bytes[j]) { j += 1 }
                if j < n, bytes[j] == 0x3D {
                    j += 1
                    while j < n, isSpace(bytes[j]) || bytes[j] == 0x22 || bytes[j] == 0x27 { j += 1 }
                    let start = j
                    while j < n, isLabelByte(bytes[j]) { j += 1 }
                    if j > start {
                        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<j]), as: UTF8.self).lowercased()
                    }
                }
            }
            i += 1
        }
        return nil
    }

    /// The page as UTF-8: a UTF-8 BOM is dropped; Windows-1252 pages are transcoded; nil when
    /// the input can be used as it is.
    static func utf8(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            return Array(bytes[3...])
        }
        guard let label = declared(in: bytes), windows1252Labels.contains(label) else { return nil }
        return decodeWindows1252(bytes)
    }

    /// Windows-1252 → UTF-8 (0x80…0x9F through WHATWG's table; unassigned bytes keep their code point).
    static func decodeWindows1252(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for b in bytes {
            if b < 0x80 { out.append(b); continue }
            var scalar = UInt32(b)
            if b <= 0x9F, HTMLEntities.c1Remap[Int(b - 0x80)] != 0 { scalar = HTMLEntities.c1Remap[Int(b - 0x80)] }
            HTMLEntities.appendUTF8(scalar, to: &out)
        }
        return out
    }

    private static func isLabelByte(_ b: UInt8) -> Bool {
        isLetter(b) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x5F || b == 0x2E || b == 0x3A
    }
}
