import Synchronization

/// A node and its distance to the query (lower is closer).
struct Neighbour: Equatable {
    var node: Int32
    var distance: Float
}

/// A binary heap of neighbours in memory it keeps between searches (no allocation per push once
/// it has grown): closest on top, or farthest on top. Ties keep the order the plain array heap of
/// `HNSWReferenceSearch` gives, so both walk the graph the same way.
final class NeighbourQueue {
    private(set) var base: UnsafeMutablePointer<Neighbour>
    private(set) var count = 0
    private var capacity: Int
    let farthestOnTop: Bool

    init(farthestOnTop: Bool, capacity: Int = 256) {
        self.farthestOnTop = farthestOnTop
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always) func above(_ a: Neighbour, _ b: Neighbour) -> Bool {
        farthestOnTop ? a.distance > b.distance : a.distance < b.distance
    }

    /// The top (valid only when `count > 0`).
    @inline(__always) var top: Neighbour { base[0] }

    @inline(__always) func removeAll() { count = 0 }

    @inline(__always) func push(_ x: Neighbour) {
        if count == capacity { grow() }
        var i = count
        count &+= 1
        while i > 0 {
            let parent = (i &- 1) >> 1
            guard above(x, base[parent]) else { break }
            base[i] = base[parent]
            i = parent
        }
        base[i] = x
    }

    /// Removes and returns the top (valid only when `count > 0`).
    @inline(__always) func pop() -> Neighbour {
        let out = base[0]
        count &-= 1
        guard count > 0 else { return out }
        let x = base[count]
        var i = 0
        while true {
            let l = 2 &* i &+ 1, r = l &+ 1
            var best = x, bestIndex = i
            if l < count, above(base[l], best) { best = base[l]; bestIndex = l }
            if r < count, above(base[r], best) { best = base[r]; bestIndex = r }
            if bestIndex == i { break }
            base[i] = best
            i = bestIndex
        }
        base[i] = x
        return out
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<Neighbour>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }
}

/// What one search needs besides the graph: a visited list with epoch tags (cleared by bumping the
/// epoch, not by writing memory) and the two heaps. Used by one thread at a time (the pool hands
/// it out under a lock).
final class HNSWSearchScratch: @unchecked Sendable {
    private(set) var tags: UnsafeMutablePointer<UInt16>
    private(set) var capacity: Int
    private(set) var epoch: UInt16 = 0
    /// Unvisited neighbours of the node being expanded (room for any list length).
    private(set) var pending: UnsafeMutablePointer<Int32>
    let candidates = NeighbourQueue(farthestOnTop: false)
    let results = NeighbourQueue(farthestOnTop: true)

    init(nodes: Int, maxLinks: Int) {
        pending = .allocate(capacity: maxLinks)
        capacity = max(nodes, 1024)
        tags = .allocate(capacity: capacity)
        tags.initialize(repeating: 0, count: capacity)
    }

    deinit {
        tags.deallocate()
        pending.deallocate()
    }

    /// Starts a search over `nodes` slots: every slot unvisited, both heaps empty.
    func begin(nodes: Int) {
        if nodes > capacity {
            tags.deallocate()
            capacity = max(nodes, capacity * 2)
            tags = .allocate(capacity: capacity)
            tags.initialize(repeating: 0, count: capacity)
            epoch = 0
        }
        if epoch == .max {
            tags.update(repeating: 0, count: capacity)
            epoch = 0
        }
        epoch &+= 1
        candidates.removeAll()
        results.removeAll()
    }

    /// Marks `node` visited; false when it already was.
    @inline(__always) func visit(_ node: Int32) -> Bool {
        let p = tags + Int(node)
        if p.pointee == epoch { return false }
        p.pointee = epoch
        return true
    }
}

/// Scratch buffers shared by the copies of one index; concurrent searches each take their own.
final class HNSWScratchPool: Sendable {
    private let free = Mutex<[HNSWSearchScratch]>([])
    /// Buffers kept for reuse; more concurrent searches than this allocate and drop their own.
    let keep = 8

    /// Runs `body` with a scratch buffer sized for `nodes`.
    func with<R>(nodes: Int, maxLinks: Int, _ body: (HNSWSearchScratch) throws -> R) rethrows -> R {
        let scratch = free.withLock { $0.popLast() } ?? HNSWSearchScratch(nodes: nodes, maxLinks: maxLinks)
        defer { free.withLock { if $0.count < keep { $0.append(scratch) } } }
        scratch.begin(nodes: nodes)
        return try body(scratch)
    }
}
