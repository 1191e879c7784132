/// Word n-gram statistics of Gopher's repetition rules over a `TextWords`, without building
/// n-gram strings: words are interned to ids (for `" ".join` keys, where word boundaries
/// count) and hashed by content (for `"".join` keys, where only the characters count).
struct NGramCounter {
    private let words: TextWords
    /// Interned id of each word.
    private let ids: [Int32]
    /// Polynomial hash of each word's scalars, and the base to the power of its length.
    private let wordHash: [UInt64]
    private let wordPow: [UInt64]
    private static let base: UInt64 = 0x100_0000_01b3
    /// Prefix hashes: `idPrefix[k]` over ids 0..<k (base `base`); `textPrefix[k]` over the
    /// concatenated scalars of words 0..<k, with `textScale[k]` = base^(their length) and
    /// `textScaleInverse[k]` its inverse mod 2^64 (odd, so invertible). An n-gram's hash is
    /// then O(1): prefix[j] - prefix[i] * scale(i..<j).
    private let idPrefix: [UInt64]
    private let textPrefix: [UInt64]
    private let textScale: [UInt64]
    private let textScaleInverse: [UInt64]

    init(_ words: TextWords) {
        self.words = words
        var table = ScalarSequenceTable(capacity: max(1, words.count))
        var ids = [Int32](repeating: 0, count: words.count)
        var hashes = [UInt64](repeating: 0, count: words.count)
        var pows = [UInt64](repeating: 1, count: words.count)
        words.scalars.withUnsafeBufferPointer { s in
            for (i, span) in words.spans.enumerated() {
                ids[i] = Int32(table.intern(s, Int(span.start), Int(span.end)))
                var h: UInt64 = 0, p: UInt64 = 1
                for k in Int(span.start)..<Int(span.end) {
                    h = h &* Self.base &+ UInt64(s[k]) &+ 1
                    p = p &* Self.base
                }
                hashes[i] = h
                pows[i] = p
            }
        }
        self.ids = ids
        wordHash = hashes
        wordPow = pows
        var ip = [UInt64](repeating: 0, count: ids.count + 1)
        var tp = ip, ts = [UInt64](repeating: 1, count: ids.count + 1), ti = ts
        for k in 0..<ids.count {
            ip[k + 1] = ip[k] &* Self.base &+ UInt64(UInt32(bitPattern: ids[k])) &+ 1
            tp[k + 1] = tp[k] &* pows[k] &+ hashes[k]
            ts[k + 1] = ts[k] &* pows[k]
            ti[k + 1] = ti[k] &* Self.inverse(pows[k])
        }
        idPrefix = ip
        textPrefix = tp
        textScale = ts
        textScaleInverse = ti
    }

    /// The inverse of odd `a` modulo 2^64 (Newton's iteration, 6 steps double the bits to 64).
    private static func inverse(_ a: UInt64) -> UInt64 {
        var x = a
        for _ in 0..<6 { x = x &* (2 &- a &* x) }
        return x
    }

    /// Hash of the id sequence i..<i+n (`basePow` = base^n).
    @inline(__always) private func idHash(_ i: Int, _ n: Int, _ basePow: UInt64) -> UInt64 {
        idPrefix[i + n] &- idPrefix[i] &* basePow
    }

    /// Hash of the concatenated scalars of words i..<i+n.
    @inline(__always) private func textHash(_ i: Int, _ n: Int) -> UInt64 {
        textPrefix[i + n] &- textPrefix[i] &* (textScale[i + n] &* textScaleInverse[i])
    }

    private static func tableSize(_ n: Int) -> Int {
        var size = 16
        while size < 2 * n { size <<= 1 }
        return size
    }

    /// `len(" ".join(top)) * count(top)` for the most frequent n-gram (the earliest-seen one
    /// among equals, as `Counter.most_common(1)` picks).
    func topNGramChars(_ n: Int) -> Int {
        let total = ids.count - n + 1
        guard total > 0 else { return 0 }
        let size = Self.tableSize(total)
        var slotFirst = [Int32](repeating: -1, count: size)
        var slotCount = [Int32](repeating: 0, count: size)
        var bestSlot = -1
        var basePow: UInt64 = 1
        for _ in 0..<n { basePow = basePow &* Self.base }
        for i in 0..<total {
            let h = idHash(i, n, basePow)
            var slot = Int(truncatingIfNeeded: h ^ (h >> 31)) & (size - 1)
            while slotFirst[slot] >= 0 {
                let f = Int(slotFirst[slot])
                if ids[f..<(f + n)].elementsEqual(ids[i..<(i + n)]) { break }
                slot = (slot + 1) & (size - 1)
            }
            if slotFirst[slot] < 0 { slotFirst[slot] = Int32(i) }
            slotCount[slot] += 1
            if bestSlot < 0 || slotCount[slot] > slotCount[bestSlot]
                || (slotCount[slot] == slotCount[bestSlot] && slotFirst[slot] < slotFirst[bestSlot]) {
                bestSlot = slot
            }
        }
        let f = Int(slotFirst[bestSlot])
        let chars = (f..<(f + n)).reduce(n - 1) { $0 + words.length($1) }
        return chars * Int(slotCount[bestSlot])
    }

    /// `find_all_duplicate`: scalars in n-grams (keyed by their concatenation) seen before,
    /// skipping past each repeat.
    func duplicatedNGramChars(_ n: Int) -> Int {
        let total = ids.count - n + 1
        guard total > 0 else { return 0 }
        let size = Self.tableSize(total)
        var slots = [Int32](repeating: -1, count: size)
        var repeated = 0
        var i = 0
        while i < total {
            let h = textHash(i, n)
            var slot = Int(truncatingIfNeeded: h ^ (h >> 31)) & (size - 1)
            var found = false
            while slots[slot] >= 0 {
                if sameConcatenation(Int(slots[slot]), i, n) { found = true; break }
                slot = (slot + 1) & (size - 1)
            }
            if found {
                repeated += (i..<(i + n)).reduce(0) { $0 + words.length($1) }
                i += n
            } else {
                slots[slot] = Int32(i)
                i += 1
            }
        }
        return repeated
    }

    /// Whether words a..<a+n and b..<b+n concatenate to the same scalars.
    private func sameConcatenation(_ a: Int, _ b: Int, _ n: Int) -> Bool {
        let la = (a..<(a + n)).reduce(0) { $0 + words.length($1) }
        let lb = (b..<(b + n)).reduce(0) { $0 + words.length($1) }
        guard la == lb else { return false }
        var wa = a, wb = b
        var pa = Int(words.spans[a].start), pb = Int(words.spans[b].start)
        let s = words.scalars
        for _ in 0..<la {
            while pa == Int(words.spans[wa].end) { wa += 1; pa = Int(words.spans[wa].start) }
            while pb == Int(words.spans[wb].end) { wb += 1; pb = Int(words.spans[wb].start) }
            if s[pa] != s[pb] { return false }
            pa += 1
            pb += 1
        }
        return true
    }
}
