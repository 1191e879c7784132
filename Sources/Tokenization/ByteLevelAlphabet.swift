/// GPT-2's byte-level alphabet: every byte is written as one printable code point, so that BPE
/// vocabularies can be stored as text. Printable Latin-1 bytes (`!`…`~`, `¡`…`¬`, `®`…`ÿ`) stand
/// for themselves; the other 68 bytes map, in order, to U+0100…U+0143 (space → `Ġ`, newline → `Ċ`).
enum ByteLevelAlphabet {
    /// The code point that stands for each byte.
    static let scalarOfByte: [UInt32] = {
        var out = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if standsForItself(UInt8(b)) { out[b] = UInt32(b) } else { out[b] = next; next += 1 }
        }
        return out
    }()

    /// The byte a code point stands for, or -1; indexed by code point below U+0144.
    static let byteOfScalar: [Int16] = {
        var out = [Int16](repeating: -1, count: 0x144)
        for (b, s) in scalarOfByte.enumerated() { out[Int(s)] = Int16(b) }
        return out
    }()

    static func standsForItself(_ b: UInt8) -> Bool {
        (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
    }

    /// The bytes a byte-level string stands for; nil when it holds a code point outside the alphabet.
    static func decode<S: StringProtocol>(_ text: S) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        for s in text.unicodeScalars {
            let v = Int(s.value)
            guard v < byteOfScalar.count, byteOfScalar[v] >= 0 else { return nil }
            out.append(UInt8(byteOfScalar[v]))
        }
        return out
    }

    /// Decodes UTF-8 text in the alphabet into `out` (replacing its contents); false when the
    /// text holds a code point outside the alphabet. Allocation-free for the load-time loops.
    static func decode(utf8 u: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        out.removeAll(keepingCapacity: true)
        var i = 0
        while i < u.count {
            var v = Int(u[i])
            if v >= 0x80 {
                guard v >= 0xC2 && v <= 0xC5, i + 1 < u.count, u[i + 1] & 0xC0 == 0x80 else { return false }
                v = (v & 0x1F) << 6 | Int(u[i + 1] & 0x3F)
                i += 1
            }
            i += 1
            guard v < byteOfScalar.count, byteOfScalar[v] >= 0 else { return false }
            out.append(UInt8(byteOfScalar[v]))
        }
        return true
    }

    /// llama.cpp's rendering of a normal byte-level token: each code point becomes its byte;
    /// one outside the alphabet becomes `[UNK_BYTE_0x<its UTF-8 in hex><the whole token>]`.
    static func render(_ text: String) -> [UInt8] {
        if let bytes = decode(text) { return bytes }
        var out = [UInt8]()
        for s in text.unicodeScalars {
            let v = Int(s.value)
            if v < byteOfScalar.count, byteOfScalar[v] >= 0 { out.append(UInt8(byteOfScalar[v])); continue }
            out.append(contentsOf: Array("[UNK_BYTE_0x".utf8))
            for u in String(s).utf8 {
                let hex = Array("0123456789abcdef".utf8)
                out.append(hex[Int(u >> 4)]); out.append(hex[Int(u & 15)])
            }
            out.append(contentsOf: Array(text.utf8))
            out.append(UInt8(ascii: "]"))
        }
        return out
    }
}
