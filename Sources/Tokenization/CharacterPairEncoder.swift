/// HF's `BPE` model over the characters of one word (`merge_word` + `Word::merge_all`): each
/// character (with `continuing_subword_prefix` before all but the first and `end_of_word_suffix`
/// after the last) is looked up in the vocabulary; one that is missing becomes its bytes as
/// `<0xXX>` tokens (byte fallback, when every byte has one), else the unknown token (runs of them
/// fused into one with `fuse_unk`), else nothing. Then the adjacent pair with the lowest merge
/// rank is merged (leftmost first on ties) until no pair has a merge.
///
/// Used for vocabularies whose symbols are characters (SentencePiece-style BPE such as Gemma's or
/// Llama 2's `tokenizer.json`), and for byte-level ones `BytePairEncoder` cannot run (affixes).
struct CharacterPairEncoder: Sendable {
    /// Model vocabulary: text → id.
    private let vocabulary: ByteStringTable
    /// (left << 32 | right) → (rank << 32 | merged id); a repeated pair keeps its last rank.
    private let merges: [UInt64: UInt64]
    /// `<0xXX>` token of each byte, −1 when the vocabulary has none; empty without byte fallback.
    private let byteTokens: [Int32]
    private let unknown: Int32?
    private let fuseUnknown: Bool
    private let ignoreMerges: Bool
    private let prefix: [UInt8]
    private let suffix: [UInt8]

    /// Number of distinct merges.
    var mergeCount: Int { merges.count }

    /// The encoder of `model`; fails on a merge or unknown token that is not in the vocabulary
    /// (HF refuses such files too).
    init(_ model: BytePairModel, vocabulary table: ByteStringTable) throws(TokenizerError) {
        vocabulary = table
        prefix = Array((model.continuingSubwordPrefix ?? "").utf8)
        suffix = Array((model.endOfWordSuffix ?? "").utf8)
        fuseUnknown = model.fuseUnknown
        ignoreMerges = model.ignoreMerges
        if let u = model.unknownToken {
            guard let id = table.value(for: u) else {
                throw .invalidField("model.unk_token", reason: "\(u.debugDescription) is not in model.vocab")
            }
            unknown = id
        } else {
            unknown = nil
        }
        let hex = Array("0123456789ABCDEF".utf8)
        byteTokens = !model.byteFallback ? [] : (0..<256).map { b in
            table.value(for: Array("<0x".utf8) + [hex[b >> 4], hex[b & 15], UInt8(ascii: ">")]) ?? -1
        }
        var m = [UInt64: UInt64](minimumCapacity: model.merges.count)
        for (rank, merge) in model.merges.enumerated() {
            let right = Array(merge.right.utf8)
            // HF drops the prefix's length from the right part, whatever its bytes.
            let merged = Array(merge.left.utf8) + right.dropFirst(prefix.count)
            guard let a = table.value(for: merge.left), let b = table.value(for: right), let c = table.value(for: merged) else {
                throw .invalidField("model.merges[\(rank)]", reason: "\(merge.left.debugDescription) + \(merge.right.debugDescription): a part or the merged text is not in model.vocab")
            }
            m[UInt64(UInt32(a)) << 32 | UInt64(UInt32(b))] = UInt64(UInt32(rank)) << 32 | UInt64(UInt32(c))
        }
        merges = m
    }

    /// Reusable buffers for one encode call.
    struct Scratch {
        var symbol: [Int32] = [], length: [Int32] = []
        var next: [Int32] = [], prev: [Int32] = []
        var queue = PairQueue()
        var text: [UInt8] = []
    }

    /// Appends the tokens of one word (code points, not empty).
    func encode(_ word: [UInt32], into out: inout [Int32], scratch s: inout Scratch) {
        if ignoreMerges {
            s.text.removeAll(keepingCapacity: true)
            for v in word { appendUTF8(v, to: &s.text) }
            if let id = vocabulary.value(for: s.text) { out.append(id); return }
        }
        symbols(of: word, into: &s)
        let n = s.symbol.count
        guard n > 0 else { return }
        s.next.removeAll(keepingCapacity: true)
        s.prev.removeAll(keepingCapacity: true)
        s.queue.removeAll()
        for i in 0..<n {
            s.prev.append(Int32(i - 1))
            s.next.append(i + 1 < n ? Int32(i + 1) : -1)
        }
        for i in 1..<max(1, n) { addCandidate(i - 1, i, &s) }
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
            out.append(s.symbol[i])
            i = Int(s.next[i])
        }
    }

    /// The initial symbols of a word, in HF's order (a pending unknown token is written out only
    /// when the next character is found in the vocabulary, so byte-fallback tokens can precede it).
    private func symbols(of word: [UInt32], into s: inout Scratch) {
        s.symbol.removeAll(keepingCapacity: true)
        s.length.removeAll(keepingCapacity: true)
        var pendingUnknown = false
        func push(_ id: Int32) { s.symbol.append(id); s.length.append(1) }
        for (i, v) in word.enumerated() {
            s.text.removeAll(keepingCapacity: true)
            if i > 0 { s.text.append(contentsOf: prefix) }
            appendUTF8(v, to: &s.text)
            if i == word.count - 1 { s.text.append(contentsOf: suffix) }
            if let id = vocabulary.value(for: s.text) {
                if pendingUnknown, let u = unknown { push(u); pendingUnknown = false }
                push(id)
                continue
            }
            if !byteTokens.isEmpty && s.text.allSatisfy({ byteTokens[Int($0)] >= 0 }) {
                for b in s.text { push(byteTokens[Int(b)]) }
                continue
            }
            guard let u = unknown else { continue }
            if pendingUnknown && !fuseUnknown { push(u) }
            pendingUnknown = true
        }
        if pendingUnknown, let u = unknown { push(u) }
    }

    @inline(__always)
    private func addCandidate(_ left: Int, _ right: Int, _ s: inout Scratch) {
        let key = UInt64(UInt32(s.symbol[left])) << 32 | UInt64(UInt32(s.symbol[right]))
        guard let m = merges[key] else { return }
        s.queue.push(PairCandidate(key: PairQueue.key(rank: Int(m >> 32), left: left), right: Int32(right),
                                   size: s.length[left] + s.length[right], result: Int32(truncatingIfNeeded: m)))
    }
}

/// Appends the UTF-8 encoding of a code point.
@inline(__always)
func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
    if v < 0x80 {
        out.append(UInt8(v))
    } else if v < 0x800 {
        out.append(UInt8(0xC0 | v >> 6)); out.append(UInt8(0x80 | v & 0x3F))
    } else if v < 0x10000 {
        out.append(UInt8(0xE0 | v >> 12)); out.append(UInt8(0x80 | v >> 6 & 0x3F)); out.append(UInt8(0x80 | v & 0x3F))
    } else {
        out.append(UInt8(0xF0 | v >> 18)); out.append(UInt8(0x80 | v >> 12 & 0x3F))
        out.append(UInt8(0x80 | v >> 6 & 0x3F)); out.append(UInt8(0x80 | v & 0x3F))
    }
}
