/// Hand-written scanners for the pre-tokenizer patterns, over code points with their
/// `CodepointClass` flags. Each stage cuts every current piece further, like llama.cpp's chain of
/// regexes: a regex stage keeps both its matches and the gaps between them as pieces; the
/// GPT-2 and Llama-3 stages cover their piece completely with matches.
struct WordSplitter {
    /// text: (n) code points of one fragment; flags: (n) their classes.
    let cps: UnsafeBufferPointer<UInt32>
    let flags: UnsafeBufferPointer<UInt8>

    private static let L = CodepointClass.letter, N = CodepointClass.number, S = CodepointClass.whitespace
    private static let outside: UInt8 = 0x80  // beyond the piece: no class at all

    /// Word ends (exclusive code point indices), in order, for `pattern`.
    func split(_ pattern: PreTokenizer) -> [Int] {
        var ends = [cps.count]
        switch pattern {
        case .gpt2:
            ends = stage(ends, gpt2)
        case .smollm:
            ends = stage(ends) { s, e, out in matchesAndGaps(s, e, &out) { i in (isNumber(i), 1) } }
            ends = stage(ends, gpt2)
        case .qwen2:
            ends = stage(ends) { s, e, out in llama3(s, e, maxDigits: 1, &out) }
        case .llama3:
            ends = stage(ends) { s, e, out in llama3(s, e, maxDigits: 3, &out) }
        case .default:
            ends = stage(ends) { s, e, out in matchesAndGaps(s, e, &out) { i in (isPunctuationLike(i), 0) } }
            ends = stage(ends, gpt2)
            ends = stage(ends) { s, e, out in matchesAndGaps(s, e, &out) { i in (isNumber(i), 0) } }
            ends = stage(ends) { s, e, out in asciiDigitTriples(s, e, &out) }
        }
        return ends
    }

    private func stage(_ ends: [Int], _ body: (Int, Int, inout [Int]) -> Void) -> [Int] {
        var out = [Int]()
        out.reserveCapacity(ends.count * 2)
        var start = 0
        for end in ends {
            if end > start { body(start, end, &out) }
            start = end
        }
        return out
    }

    @inline(__always) private func isNumber(_ i: Int) -> Bool { flags[i] & Self.N != 0 }

    /// `[\p{P}\$\+<=>\^~\|]`
    @inline(__always) private func isPunctuationLike(_ i: Int) -> Bool {
        if flags[i] & CodepointClass.punctuation != 0 { return true }
        switch cps[i] {
        case 0x24, 0x2B, 0x3C, 0x3D, 0x3E, 0x5E, 0x7E, 0x7C: return true
        default: return false
        }
    }

    /// A one-class regex stage: `member(i)` says whether code point i is in the class; a limit of
    /// 1 makes every member its own match (`\p{N}`), 0 makes maximal runs (`X+`).
    private func matchesAndGaps(_ s: Int, _ e: Int, _ out: inout [Int], _ member: (Int) -> (Bool, Int)) {
        var i = s
        while i < e {
            let (inClass, limit) = member(i)
            var j = i + 1
            if inClass {
                if limit != 1 { while j < e && member(j).0 { j += 1 } }
            } else {
                while j < e && !member(j).0 { j += 1 }
            }
            out.append(j)
            i = j
        }
    }

    /// `[0-9][0-9][0-9]`: leftmost non-overlapping ASCII digit triples; what lies between is a gap.
    private func asciiDigitTriples(_ s: Int, _ e: Int, _ out: inout [Int]) {
        @inline(__always) func digit(_ i: Int) -> Bool { cps[i] >= 0x30 && cps[i] <= 0x39 }
        var gapStart = s
        var i = s
        while i + 3 <= e {
            if digit(i) && digit(i + 1) && digit(i + 2) {
                if i > gapStart { out.append(i) }
                out.append(i + 3)
                i += 3
                gapStart = i
            } else {
                i += 1
            }
        }
        if e > gapStart { out.append(e) }
    }

    /// GPT-2: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
    private func gpt2(_ s: Int, _ e: Int, _ out: inout [Int]) {
        @inline(__always) func cls(_ i: Int) -> UInt8 { i < e ? flags[i] : Self.outside }
        @inline(__always) func other(_ f: UInt8) -> Bool { f != Self.outside && f & (Self.L | Self.N | Self.S) == 0 }
        var pos = s
        while pos < e {
            let c = cps[pos]
            if let n = contraction(at: pos, end: e, caseInsensitive: false) { pos += n; out.append(pos); continue }
            let f2 = c == 0x20 ? cls(pos + 1) : flags[pos]
            if f2 & Self.L != 0 || f2 & Self.N != 0 {
                let want = f2 & Self.L != 0 ? Self.L : Self.N
                if c == 0x20 { pos += 1 }
                while pos < e && flags[pos] & want != 0 { pos += 1 }
                out.append(pos); continue
            }
            if other(f2) {
                if c == 0x20 { pos += 1 }
                while pos < e && other(flags[pos]) { pos += 1 }
                out.append(pos); continue
            }
            pos = whitespaceRun(pos, e, splitNewlines: false)
            out.append(pos)
        }
    }

    /// Llama 3 / Qwen2: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,k}|
    /// ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`.
    private func llama3(_ s: Int, _ e: Int, maxDigits: Int, _ out: inout [Int]) {
        @inline(__always) func cls(_ i: Int) -> UInt8 { i < e ? flags[i] : Self.outside }
        @inline(__always) func other(_ f: UInt8) -> Bool { f != Self.outside && f & (Self.L | Self.N | Self.S) == 0 }
        var pos = s
        while pos < e {
            let c = cps[pos], f = flags[pos]
            if let n = contraction(at: pos, end: e, caseInsensitive: true) { pos += n; out.append(pos); continue }
            if !(c == 0x0D || c == 0x0A || f & Self.N != 0), f & Self.L != 0 || cls(pos + 1) & Self.L != 0 {
                pos += 1
                while pos < e && flags[pos] & Self.L != 0 { pos += 1 }
                out.append(pos); continue
            }
            if f & Self.N != 0 {
                var run = 0
                while pos < e && flags[pos] & Self.N != 0 && run < maxDigits { pos += 1; run += 1 }
                out.append(pos); continue
            }
            let f2 = c == 0x20 ? cls(pos + 1) : f
            if other(f2) {
                if c == 0x20 { pos += 1 }
                while pos < e && other(flags[pos]) { pos += 1 }
                while pos < e && (cps[pos] == 0x0D || cps[pos] == 0x0A) { pos += 1 }
                out.append(pos); continue
            }
            pos = whitespaceRun(pos, e, splitNewlines: true)
            out.append(pos)
        }
    }

    /// Length of `'s|'t|'re|'ve|'m|'ll|'d` at `pos` (ASCII letters, optionally any case).
    @inline(__always)
    private func contraction(at pos: Int, end e: Int, caseInsensitive: Bool) -> Int? {
        guard cps[pos] == 0x27, pos + 1 < e else { return nil }
        @inline(__always) func low(_ v: UInt32) -> UInt32 {
            caseInsensitive && v >= 0x41 && v <= 0x5A ? v + 0x20 : v
        }
        let a = low(cps[pos + 1])
        if a == 0x73 || a == 0x74 || a == 0x6D || a == 0x64 { return 2 }  // s t m d
        guard pos + 2 < e else { return nil }
        let b = low(cps[pos + 2])
        if (a == 0x72 && b == 0x65) || (a == 0x76 && b == 0x65) || (a == 0x6C && b == 0x6C) { return 3 }  // re ve ll
        return nil
    }

    /// The end of the whitespace match at `pos`: `\s*[\r\n]+` (when asked), `\s+(?!\S)`, `\s+`;
    /// one code point when nothing matches (never reached for valid flags).
    @inline(__always)
    private func whitespaceRun(_ pos: Int, _ e: Int, splitNewlines: Bool) -> Int {
        var k = pos
        var afterLastNewline = -1
        while k < e && flags[k] & Self.S != 0 {
            if splitNewlines && (cps[k] == 0x0D || cps[k] == 0x0A) { afterLastNewline = k + 1 }
            k += 1
        }
        if afterLastNewline > 0 { return afterLastNewline }
        let run = k - pos
        if run > 1 && k < e { return k - 1 }
        return run > 0 ? k : pos + 1
    }
}
