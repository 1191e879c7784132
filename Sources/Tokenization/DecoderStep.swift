/// One HF decoder: a rewrite of the list of token texts on the way back to text. (`Sequence` is a
/// list of these, each given what the previous one returned; the final list is concatenated.)
public enum DecoderStep: Sendable, Equatable {
    /// Every token's characters back to the bytes they stand for in the byte-level alphabet (a
    /// token with a character outside it keeps its own UTF-8), then one text, invalid UTF-8 as U+FFFD.
    case byteLevel
    /// `replacement` becomes a space, except in the first token unless `prependScheme` is `never`,
    /// where it is removed.
    case metaspace(replacement: Unicode.Scalar, prependScheme: PrependScheme)
    /// In each token, every occurrence of a literal text becomes `content`.
    case replace(String, content: String)
    /// Runs of `<0xXX>` tokens become the text of their bytes, or one U+FFFD per byte when invalid.
    case byteFallback
    /// All tokens become one.
    case fuse
    /// Removes up to `start` leading and `stop` trailing `content` characters from each token.
    case strip(content: Unicode.Scalar, start: Int, stop: Int)
    /// `BPEDecoder`: `suffix` becomes a space in each token, and nothing in the last one.
    case wordSuffix(String)

    /// The decoded text of `tokens` (HF's `decode_chain` of each step, then concatenation);
    /// without steps, the tokens joined with spaces.
    static func decode(_ tokens: [String], _ steps: [DecoderStep]) -> String {
        if steps.isEmpty { return tokens.joined(separator: " ") }
        var tokens = tokens
        for step in steps { tokens = step.apply(tokens) }
        return tokens.joined()
    }

    func apply(_ tokens: [String]) -> [String] {
        switch self {
        case .byteLevel:
            var bytes = [UInt8]()
            for t in tokens { bytes.append(contentsOf: ByteLevelAlphabet.decode(t) ?? Array(t.utf8)) }
            return [String(decoding: bytes, as: UTF8.self)]
        case .metaspace(let replacement, let scheme):
            return tokens.enumerated().map { i, t in
                var out = String.UnicodeScalarView()
                for s in t.unicodeScalars {
                    if s != replacement { out.append(s) } else if i != 0 || scheme == .never { out.append(" ") }
                }
                return String(out)
            }
        case .replace(let pattern, let content):
            return tokens.map { Self.replacing(Array(pattern.utf8), with: Array(content.utf8), in: $0) }
        case .byteFallback:
            return Self.fallingBack(tokens)
        case .fuse:
            return [tokens.joined()]
        case .strip(let content, let start, let stop):
            return tokens.map { t in
                let s = Array(t.unicodeScalars)
                var from = 0, to = s.count
                while from < min(start, s.count) && s[from] == content { from += 1 }
                var k = 0
                while k < stop && to - 1 >= from && s[to - 1] == content { to -= 1; k += 1 }
                return String(String.UnicodeScalarView(s[from..<max(from, to)]))
            }
        case .wordSuffix(let suffix):
            return tokens.enumerated().map { i, t in
                Self.replacing(Array(suffix.utf8), with: i == tokens.count - 1 ? [] : [0x20], in: t)
            }
        }
    }

    /// The bytes one token decodes to on its own, for streaming: each step on that token, raw bytes
    /// kept (a `<0xXX>` token is its byte, a byte-level token its bytes, valid UTF-8 or not).
    /// Steps that depend on the token's place are taken as for a token in the middle: Metaspace
    /// writes a space, BPEDecoder's suffix a space; Strip after Fuse (the whole text's edges) is
    /// left to the reader (`Tokenizer.addSpacePrefix`).
    static func piece(_ token: String, _ steps: [DecoderStep]) -> [UInt8] {
        var text = token
        var fused = false
        for (k, step) in steps.enumerated() {
            switch step {
            case .byteLevel:
                let bytes = ByteLevelAlphabet.decode(text) ?? Array(text.utf8)
                guard k + 1 < steps.count else { return bytes }
                text = String(decoding: bytes, as: UTF8.self)
            case .metaspace(let replacement, _):
                text = String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == replacement ? " " : $0 }))
            case .replace(let pattern, let content):
                text = replacing(Array(pattern.utf8), with: Array(content.utf8), in: text)
            case .byteFallback:
                if let b = byteValue(text) { return [b] }
            case .fuse:
                fused = true
            case .strip:
                if !fused { text = step.apply([text])[0] }
            case .wordSuffix(let suffix):
                text = replacing(Array(suffix.utf8), with: [0x20], in: text)
            }
        }
        return Array(text.utf8)
    }

    /// `text` with every leftmost non-overlapping occurrence of `needle` (bytes) replaced.
    static func replacing(_ needle: [UInt8], with content: [UInt8], in text: String) -> String {
        let t = Array(text.utf8)
        guard !needle.isEmpty, t.count >= needle.count else { return text }
        var out = [UInt8]()
        var i = 0
        while i < t.count {
            if i + needle.count <= t.count && t[i] == needle[0] && t[i..<(i + needle.count)].elementsEqual(needle) {
                out.append(contentsOf: content)
                i += needle.count
            } else {
                out.append(t[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// HF's `ByteFallback`: a token is a byte when it is exactly `<0xHH>` (6 bytes, hex either case).
    static func fallingBack(_ tokens: [String]) -> [String] {
        var out = [String]()
        var pending = [UInt8]()
        func flush() {
            guard !pending.isEmpty else { return }
            if let s = String(validating: pending, as: UTF8.self) {
                out.append(s)
            } else {
                out.append(contentsOf: repeatElement("\u{FFFD}", count: pending.count))
            }
            pending.removeAll()
        }
        for t in tokens {
            if let b = byteValue(t) { pending.append(b); continue }
            flush()
            out.append(t)
        }
        flush()
        return out
    }

    /// The byte of a `<0xHH>` token (Rust's `u8::from_str_radix` on the two characters, so a
    /// leading `+` counts as a sign).
    static func byteValue(_ token: String) -> UInt8? {
        let u = Array(token.utf8)
        guard u.count == 6, u[0] == 0x3C, u[1] == 0x30, u[2] == 0x78, u[5] == 0x3E else { return nil }
        func digit(_ c: UInt8) -> Int? {
            switch c {
            case 0x30...0x39: return Int(c - 0x30)
            case 0x41...0x46: return Int(c - 0x41 + 10)
            case 0x61...0x66: return Int(c - 0x61 + 10)
            default: return nil
            }
        }
        if u[3] == 0x2B { return digit(u[4]).map(UInt8.init) }
        guard let hi = digit(u[3]), let lo = digit(u[4]) else { return nil }
        return UInt8(hi * 16 + lo)
    }
}
