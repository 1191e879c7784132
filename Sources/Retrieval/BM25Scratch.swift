import Synchronization

/// One search's working memory: a dense score per document (0 = untouched) and the list of
/// documents touched, so resetting and ranking cost O(touched), not O(N).
final class BM25Scratch: @unchecked Sendable {  // used by one search at a time: the pool hands it out under a lock
    /// scores[document]: the query's score so far; all 0 between searches.
    var scores: [Double] = []
    /// touched[..<touchedCount]: documents whose score became non-zero, in first-touch order.
    var touched: [Int32] = []
    var touchedCount = 0

    /// Room for `documents` documents.
    func reserve(documents: Int) {
        if scores.count < documents {
            scores.append(contentsOf: repeatElement(0, count: documents - scores.count))
            touched.append(contentsOf: repeatElement(0, count: documents - touched.count))
        }
    }

    /// Adds one term's contributions: idf · tf / (tf + c0 + c1 · |d|) for each posting.
    func accumulate(_ list: UnsafeBufferPointer<BM25Index.Posting>, idf w: Double, c0: Double, c1: Double,
                    lengths: UnsafeBufferPointer<Int32>) {
        var n = touchedCount
        scores.withUnsafeMutableBufferPointer { scores in
            touched.withUnsafeMutableBufferPointer { touched in
                for p in list {
                    let d = Int(p.document), f = Double(p.frequency)
                    let old = scores[d]
                    if old == 0 {  // every contribution is > 0 (idf > 0, tf ≥ 1)
                        touched[n] = p.document
                        n += 1
                    }
                    scores[d] = old + w * f / (f + (c0 + c1 * Double(lengths[d])))
                }
            }
        }
        touchedCount = n
    }

    /// The `k` best touched documents, best first (equal scores: lower id first); clears the scores.
    func best(_ k: Int) -> [(document: Int32, score: Double)] {
        var heap = BM25TopK(capacity: min(k, touchedCount))
        scores.withUnsafeMutableBufferPointer { scores in
            for d in touched[..<touchedCount] {
                heap.offer(document: d, score: scores[Int(d)])
                scores[Int(d)] = 0
            }
        }
        touchedCount = 0
        return heap.sortedBestFirst()
    }
}

/// A few scratch buffers behind a lock: a search borrows one and gives it back, so concurrent
/// searches never share one and sequential searches reuse the same memory.
final class BM25ScratchPool: Sendable {
    private let free = Mutex<[BM25Scratch]>([])
    /// Buffers kept for reuse; more concurrent searches than this allocate and drop their own.
    let keep = 4

    /// A zeroed buffer with room for `documents` scores.
    func take(documents: Int) -> BM25Scratch {
        let buffer = free.withLock { $0.popLast() } ?? BM25Scratch()
        buffer.reserve(documents: documents)
        return buffer
    }

    /// Returns a buffer (its scores must be all zero again).
    func give(_ buffer: BM25Scratch) {
        free.withLock { if $0.count < keep { $0.append(buffer) } }
    }
}

/// A bounded min-heap of the k best (document, score) pairs seen; the root is the worst kept.
struct BM25TopK {
    private var items: [(document: Int32, score: Double)] = []
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        items.reserveCapacity(self.capacity)
    }

    /// a ranks below b: lower score, or the same score and a higher id.
    @inline(__always) static func worse(_ a: (document: Int32, score: Double), _ b: (document: Int32, score: Double)) -> Bool {
        a.score != b.score ? a.score < b.score : a.document > b.document
    }

    @inline(__always) mutating func offer(document: Int32, score: Double) {
        let item = (document: document, score: score)
        if items.count == capacity, capacity > 0, !Self.worse(items[0], item) { return }  // the common case: not better than the worst kept
        if items.count < capacity {
            items.append(item)
            var i = items.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard Self.worse(items[i], items[parent]) else { break }
                items.swapAt(i, parent)
                i = parent
            }
        } else if capacity > 0, Self.worse(items[0], item) {
            items[0] = item
            siftDown(0)
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count, Self.worse(items[l], items[m]) { m = l }
            if r < items.count, Self.worse(items[r], items[m]) { m = r }
            guard m != i else { return }
            items.swapAt(i, m)
            i = m
        }
    }

    func sortedBestFirst() -> [(document: Int32, score: Double)] {
        items.sorted { Self.worse($1, $0) }
    }
}
