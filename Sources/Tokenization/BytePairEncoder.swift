/// Byte-level BPE (GPT-2 style) over the raw bytes of one pre-tokenized word, as llama.cpp's
/// `llm_tokenizer_bpe_session` does it: start from one symbol per byte, repeatedly merge the
/// adjacent pair with the lowest merge rank (leftmost first on ties), then map each symbol to
/// its token.
///
/// Symbols are ids, not strings: a symbol is a token id when its bytes are a token's text, and an
/// id past the vocabulary for merge parts that are not tokens. The merge table maps a pair of
/// symbol ids to (rank, merged symbol), so a merge step is one hash lookup.
struct BytePairEncoder: Sendable {
    private let vocabularyCount: Int
    /// Symbol of each single byte.
    private let byteSymbols: [Int32]
    /// (left << 32 | right) → (rank << 32 | merged symbol).
    private let merges: [UInt64: UInt64]
    /// Bytes of the symbols past the vocabulary (index = symbol − vocabularyCount).
    private let extraSymbols: [[UInt8]]
    /// The token a one-character byte-level string is, per raw byte (−1: none). llama.cpp spells
    /// out a final symbol that is not a token this way; only printable ASCII can match.
    private let fallbackTokens: [Int32]
    /// Raw bytes → token, for every token spelled in the byte-level alphabet.
    private let tokensByBytes: ByteStringTable
    private let ignoreMerges: Bool
    /// Bytes whose symbol is no token, as a 256-bit set (4 words), when such bytes are dropped
    /// before merging (HF's BPE drops a character it cannot look up when there is no unknown
    /// token); nil otherwise.
    private let droppedBytes: [UInt64]?

    /// Number of distinct merges (the first of duplicate pairs wins, as in llama.cpp).
    var mergeCount: Int { merges.count }

    /// - Parameters:
    ///   - tokens: token texts in the byte-level alphabet.
    ///   - merges: `"left right"` in rank order.
    ///   - textLookup: exact token-text → id.
    ///   - dropsBytesOutsideVocabulary: HF's behaviour for a byte whose symbol is no token (it is
    ///     removed from the word before merging); llama.cpp's otherwise (it stays, splitting merges).
    init(tokens: [String], merges mergeList: [String], ignoreMerges: Bool, dropsBytesOutsideVocabulary: Bool = false,
         textLookup: (String) -> Int32?) {
        vocabularyCount = tokens.count
        self.ignoreMerges = ignoreMerges
        var table = ByteStringTable(capacity: tokens.count, arenaBytes: tokens.count * 8)
        var raw = [UInt8](), left = [UInt8](), right = [UInt8]()
        for (id, text) in tokens.enumerated() {
            var t = text
            if t.withUTF8({ ByteLevelAlphabet.decode(utf8: $0, into: &raw) }) {
                raw.withUnsafeBytes { _ = table.insert($0, value: Int32(id)) }
            }
        }
        tokensByBytes = table

        var extras = ByteStringTable()
        var extraList = [[UInt8]]()
        func intern(_ bytes: [UInt8]) -> Int32 {
            bytes.withUnsafeBytes { b in
                if let id = table.value(for: b) { return id }
                if let e = extras.value(for: b) { return e }
                let id = Int32(tokens.count + extraList.count)
                extras.insert(b, value: id)
                extraList.append(bytes)
                return id
            }
        }
        byteSymbols = (0..<256).map { intern([UInt8($0)]) }
        var outside = [UInt64](repeating: 0, count: 4)
        for b in 0..<256 where Int(byteSymbols[b]) >= tokens.count { outside[b >> 6] |= 1 << UInt64(b & 63) }
        droppedBytes = dropsBytesOutsideVocabulary && outside != [0, 0, 0, 0] ? outside : nil

        var m = [UInt64: UInt64](minimumCapacity: mergeList.count)
        for (rank, line) in mergeList.enumerated() {
            var l = line
            // "left right", split at the first space after the first byte, both in the alphabet.
            let parsed = l.withUTF8 { u -> Bool in
                guard u.count > 1, let sp = u[1...].firstIndex(of: 0x20) else { return false }
                return ByteLevelAlphabet.decode(utf8: UnsafeBufferPointer(rebasing: u[..<sp]), into: &left)
                    && ByteLevelAlphabet.decode(utf8: UnsafeBufferPointer(rebasing: u[(sp + 1)...]), into: &right)
            }
            guard parsed else { continue }
            let key = UInt64(UInt32(intern(left))) << 32 | UInt64(UInt32(intern(right)))
            if m[key] == nil {
                raw.removeAll(keepingCapacity: true)
                raw.append(contentsOf: left)
                raw.append(contentsOf: right)
                m[key] = UInt64(UInt32(rank)) << 32 | UInt64(UInt32(intern(raw)))
            }
        }
        self.merges = m
        extraSymbols = extraList
        fallbackTokens = (0..<256).map { b in
            let s = ByteLevelAlphabet.scalarOfByte[b]
            return s < 0x80 ? textLookup(String(UnicodeScalar(UInt8(s)))) ?? -1 : -1
        }
    }

    /// Reusable buffers for one encode call.
    struct Scratch {
        var symbol: [Int32] = [], length: [Int32] = [], next: [Int32] = [], prev: [Int32] = []
        var queue = PairQueue()
    }

    /// Appends the tokens of one word (its raw UTF-8 bytes).
    func encode(_ word: UnsafeBufferPointer<UInt8>, into out: inout [Int32], scratch s: inout Scratch) {
        let n = word.count
        if n == 0 { return }
        if n == 1 { emit(byteSymbols[Int(word[0])], into: &out); return }
        if ignoreMerges, let id = tokensByBytes.value(for: UnsafeRawBufferPointer(word)) { out.append(id); return }
        if let dropped = droppedBytes, Self.contains(dropped, word) {
            let kept = word.filter { dropped[Int($0 >> 6)] >> UInt64($0 & 63) & 1 == 0 }
            kept.withUnsafeBufferPointer { mergeAndEmit($0, into: &out, scratch: &s) }
            return
        }
        mergeAndEmit(word, into: &out, scratch: &s)
    }

    @inline(__always)
    private static func contains(_ set: [UInt64], _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        let (a, b, c, d) = (set[0], set[1], set[2], set[3])
        for x in word {
            let w = x < 0x80 ? (x < 0x40 ? a : b) : (x < 0xC0 ? c : d)
            if w >> UInt64(x & 63) & 1 != 0 { return true }
        }
        return false
    }

    /// The merge loop over a word's bytes, then its symbols' tokens.
    private func mergeAndEmit(_ word: UnsafeBufferPointer<UInt8>, into out: inout [Int32], scratch s: inout Scratch) {
        let n = word.count
        if n == 0 { return }
        if n == 1 { emit(byteSymbols[Int(word[0])], into: &out); return }

        s.symbol.removeAll(keepingCapacity: true)
        s.length.removeAll(keepingCapacity: true)
        s.next.removeAll(keepingCapacity: true)
        s.prev.removeAll(keepingCapacity: true)
        s.queue.removeAll()
        for i in 0..<n {
            s.symbol.append(byteSymbols[Int(word[i])])
            s.length.append(1)
            s.prev.append(Int32(i - 1))
            s.next.append(i + 1 < n ? Int32(i + 1) : -1)
        }
        for i in 1..<n { addCandidate(i - 1, i, &s) }
        while let c = s.queue.pop() {
            let left = c.left, right = Int(c.right)
            // Stale: one side was merged away or has grown since the candidate was made.
            if s.length[left] == 0 || s.length[right] == 0 || s.length[left] + s.length[right] != c.size { continue }
            s.symbol[left] = c.result
            s.length[left] += s.length[right]
            s.length[right] = 0
            let after = s.next[right]
            s.next[left] = after
            if after >= 0 { s.prev[Int(after)] = Int32(left) }
            if s.prev[left] >= 0 { addCandidate(Int(s.prev[left]), left, &s) }
            if after >= 0 { addCandidate(left, Int(after), &s) }
        }
        var i = 0
        while i >= 0 {
            emit(s.symbol[i], into: &out)
            i = Int(s.next[i])
        }
    }

    @inline(__always)
    private func addCandidate(_ left: Int, _ right: Int, _ s: inout Scratch) {
        let key = UInt64(UInt32(s.symbol[left])) << 32 | UInt64(UInt32(s.symbol[right]))
        guard let m = merges[key] else { return }
        s.queue.push(PairCandidate(key: PairQueue.key(rank: Int(m >> 32), left: left), right: Int32(right),
                                   size: s.length[left] + s.length[right], result: Int32(truncatingIfNeeded: m)))
    }

    @inline(__always)
    private func emit(_ symbol: Int32, into out: inout [Int32]) {
        if Int(symbol) < vocabularyCount { out.append(symbol); return }
        for b in extraSymbols[Int(symbol) - vocabularyCount] where fallbackTokens[Int(b)] >= 0 {
            out.append(fallbackTokens[Int(b)])
        }
    }
}
