/// A candidate merge of two adjacent symbols, for the BPE and SentencePiece merge loops.
struct PairCandidate {
    /// Priority, smallest first: high 32 bits = rank (or inverted score), low 32 bits = left index,
    /// so equal priorities pop leftmost first, as in llama.cpp.
    var key: UInt64
    var right: Int32
    /// Byte length of the merged text, to tell stale candidates from live ones.
    var size: Int32
    /// Symbol (token id) of the merged text.
    var result: Int32

    var left: Int { Int(key & 0xFFFF_FFFF) }
}

/// Elements a `BinaryHeap` can order: `before(a, b)` when `a` must pop first.
protocol HeapOrdered {
    static func before(_ a: Self, _ b: Self) -> Bool
}

/// A binary heap that pops the element that is `before` all others: the priority queue of the
/// merge loops (encoding: lowest rank first; training: highest pair count first).
struct BinaryHeap<Element: HeapOrdered> {
    private(set) var items: [Element] = []

    var isEmpty: Bool { items.isEmpty }

    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    mutating func push(_ e: Element) {
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) >> 1
            if !Element.before(e, items[parent]) { break }
            items[i] = items[parent]
            i = parent
        }
        items[i] = e
    }

    mutating func pop() -> Element? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if items.isEmpty { return top }
        let n = items.count
        var i = 0
        while true {
            var child = 2 * i + 1
            if child >= n { break }
            if child + 1 < n && Element.before(items[child + 1], items[child]) { child += 1 }
            if !Element.before(items[child], last) { break }
            items[i] = items[child]
            i = child
        }
        items[i] = last
        return top
    }
}

extension PairCandidate: HeapOrdered {
    @inline(__always) static func before(_ a: PairCandidate, _ b: PairCandidate) -> Bool { a.key < b.key }
}

/// The encoders' queue of merge candidates, smallest `key` first.
typealias PairQueue = BinaryHeap<PairCandidate>

extension BinaryHeap where Element == PairCandidate {
    /// A key that pops higher scores first, then the leftmost pair.
    static func key(score: Float, left: Int) -> UInt64 {
        // Map the float to an unsigned integer with the same order, then invert for max-first.
        let b = score.bitPattern
        let ordered = b & 0x8000_0000 != 0 ? ~b : b | 0x8000_0000
        return UInt64(~ordered) << 32 | UInt64(UInt32(left))
    }

    /// A key that pops lower ranks first, then the leftmost pair.
    static func key(rank: Int, left: Int) -> UInt64 { UInt64(UInt32(rank)) << 32 | UInt64(UInt32(left)) }
}
