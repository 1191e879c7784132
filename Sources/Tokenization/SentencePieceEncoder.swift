/// SentencePiece BPE with scores, as llama.cpp's `llm_tokenizer_spm_session` runs it on one text
/// fragment whose spaces are already `▁`: start from one symbol per UTF-8 character, repeatedly
/// merge the adjacent pair whose concatenation is the vocabulary entry with the highest score
/// (leftmost first on ties), then emit each symbol's token, or its bytes as `<0xXX>` tokens
/// when the character is not in the vocabulary.
///
/// llama.cpp runs one merge loop over a whole fragment (a whole line, for Gemma). Here the
/// fragment is first cut before each `▁` that no merge can ever cross — one whose preceding
/// character c is such that no vocabulary entry contains c followed by `▁` — and the words are
/// merged separately (and cached): a merge across such a cut would produce a text containing
/// c`▁`, which is no entry, so the merges inside each word happen exactly as in the single loop.
struct SentencePieceEncoder: Sendable {
    /// Exact token text → id, over all tokens (llama.cpp merges into any entry, control ones too).
    private let tokens: ByteStringTable
    private let scores: [Float]
    /// Byte-fallback token per byte: `<0xXX>`, else the one-byte text (−1: none).
    private let byteTokens: [Int32]
    /// What to emit when a byte has no token (llama.cpp would abort): the unknown token, if any.
    private let unknown: Int32?
    /// Code points that some entry has right before a `▁` (other than `▁` itself): no cut after them.
    private let bridging: Set<UInt32>

    static let space: UInt32 = 0x2581  // ▁

    init(tokens: ByteStringTable, texts: [String], scores: [Float], unknown: Int?) {
        self.tokens = tokens
        self.scores = scores
        self.unknown = unknown.map(Int32.init)
        let hex = Array("0123456789ABCDEF".utf8)
        byteTokens = (0..<256).map { b in
            let name: [UInt8] = Array("<0x".utf8) + [hex[b >> 4], hex[b & 15], UInt8(ascii: ">")]
            return tokens.value(for: name) ?? tokens.value(for: [UInt8(b)]) ?? -1
        }
        var bridging = Set<UInt32>()
        for text in texts where text.utf8.count > 3 {
            var previous: UInt32?
            for s in text.unicodeScalars {
                if s.value == Self.space, let p = previous, p != Self.space { bridging.insert(p) }
                previous = s.value
            }
        }
        self.bridging = bridging
    }

    /// Appends the tokens of `text` (UTF-8, spaces already escaped to `▁`), word by word.
    func encode(_ text: UnsafeBufferPointer<UInt8>, into out: inout [Int32], scratch s: inout Scratch,
                cache: inout WordCache) {
        let n = text.count
        var wordStart = 0
        var previous: UInt32 = Self.space
        var i = 0
        while i < n {
            let len = min(Self.utf8Length(text[i]), n - i)
            // ▁ is E2 96 81.
            let isSpace = len == 3 && text[i] == 0xE2 && text[i + 1] == 0x96 && text[i + 2] == 0x81
            if isSpace && i > wordStart && previous != Self.space && !bridging.contains(previous) {
                encodeWord(UnsafeBufferPointer(rebasing: text[wordStart..<i]), into: &out, scratch: &s, cache: &cache)
                wordStart = i
            }
            previous = isSpace ? Self.space : Self.scalar(text, i, len)
            i += len
        }
        encodeWord(UnsafeBufferPointer(rebasing: text[wordStart..<n]), into: &out, scratch: &s, cache: &cache)
    }

    /// Words already merged in one encode call.
    struct WordCache {
        var ranges = [[UInt8]: Range<Int>]()
        var ids = [Int32]()
        static let maxWordBytes = 32
    }

    private func encodeWord(_ word: UnsafeBufferPointer<UInt8>, into out: inout [Int32], scratch s: inout Scratch,
                            cache: inout WordCache) {
        guard word.count <= WordCache.maxWordBytes else { encode(word, into: &out, scratch: &s); return }
        let key = Array(word)
        if let r = cache.ranges[key] { out.append(contentsOf: cache.ids[r]); return }
        let before = out.count
        encode(word, into: &out, scratch: &s)
        let from = cache.ids.count
        cache.ids.append(contentsOf: out[before...])
        cache.ranges[key] = from..<cache.ids.count
    }

    @inline(__always)
    private static func scalar(_ t: UnsafeBufferPointer<UInt8>, _ i: Int, _ len: Int) -> UInt32 {
        var v = UInt32(t[i]) & (len == 1 ? 0x7F : len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07)
        for k in 1..<max(1, len) { v = v << 6 | UInt32(t[i + k] & 0x3F) }
        return v
    }

    struct Scratch {
        var start: [Int32] = [], length: [Int32] = [], next: [Int32] = [], prev: [Int32] = []
        var symbol: [Int32] = []
        var queue = PairQueue()
    }

    /// Appends the tokens of `text` in one merge loop (llama.cpp's algorithm as is).
    func encode(_ text: UnsafeBufferPointer<UInt8>, into out: inout [Int32], scratch s: inout Scratch) {
        let n = text.count
        if n == 0 { return }
        s.start.removeAll(keepingCapacity: true)
        s.length.removeAll(keepingCapacity: true)
        s.next.removeAll(keepingCapacity: true)
        s.prev.removeAll(keepingCapacity: true)
        s.symbol.removeAll(keepingCapacity: true)
        s.queue.removeAll()
        var offset = 0
        while offset < n {
            let len = min(Self.utf8Length(text[offset]), n - offset)
            s.prev.append(Int32(s.start.count - 1))
            s.start.append(Int32(offset))
            s.length.append(Int32(len))
            s.symbol.append(-2)  // looked up at the end if never merged
            offset += len
            s.next.append(offset < n ? Int32(s.start.count) : -1)
        }
        let raw = UnsafeRawBufferPointer(text)
        for i in 1..<s.start.count { addCandidate(i - 1, i, raw, &s) }
        while let c = s.queue.pop() {
            let left = c.left, right = Int(c.right)
            if s.length[left] == 0 || s.length[right] == 0 || s.length[left] + s.length[right] != c.size { continue }
            s.symbol[left] = c.result
            s.length[left] += s.length[right]
            s.length[right] = 0
            let after = s.next[right]
            s.next[left] = after
            if after >= 0 { s.prev[Int(after)] = Int32(left) }
            if s.prev[left] >= 0 { addCandidate(Int(s.prev[left]), left, raw, &s) }
            if after >= 0 { addCandidate(left, Int(after), raw, &s) }
        }
        var i = 0
        while i >= 0 {
            let start = Int(s.start[i]), len = Int(s.length[i])
            var id = s.symbol[i]
            if id == -2 { id = tokens.value(for: UnsafeRawBufferPointer(rebasing: raw[start..<start + len])) ?? -1 }
            if id >= 0 {
                out.append(id)
            } else {
                for b in text[start..<start + len] {
                    let t = byteTokens[Int(b)]
                    if t >= 0 { out.append(t) } else if let u = unknown { out.append(u) }
                }
            }
            i = Int(s.next[i])
        }
    }

    @inline(__always)
    private func addCandidate(_ left: Int, _ right: Int, _ raw: UnsafeRawBufferPointer, _ s: inout Scratch) {
        let start = Int(s.start[left])
        let size = Int(s.length[left] + s.length[right])
        guard let id = tokens.value(for: UnsafeRawBufferPointer(rebasing: raw[start..<start + size])) else { return }
        s.queue.push(PairCandidate(key: PairQueue.key(score: scores[Int(id)], left: left), right: Int32(right),
                                   size: Int32(size), result: id))
    }

    /// Bytes in the UTF-8 sequence a lead byte starts (continuation bytes count as 1, as in llama.cpp).
    @inline(__always)
    static func utf8Length(_ lead: UInt8) -> Int {
        switch lead >> 4 {
        case 0xC, 0xD: return 2
        case 0xE: return 3
        case 0xF: return 4
        default: return 1
        }
    }
}
