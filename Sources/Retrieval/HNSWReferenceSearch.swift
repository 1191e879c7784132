/// The plain, obviously-correct search over an HNSW graph in its stored form (arrays of nodes and
/// vectors, array-backed heaps, a fresh visited set per search): the reference the fast walk in
/// `HNSWIndex.search` is held equal to. Distances use the same kernel, so the two walks visit the
/// same nodes in the same order and return the same results.
public struct HNSWReferenceSearch: Sendable {
    /// The graph as `HNSWIndex.node(at:)` returns it, one entry per slot.
    public let nodes: [HNSWNode]
    /// `vector(at:)` per slot.
    public let vectors: [[Float]]
    /// Where searches start (-1: empty).
    public let entrySlot: Int32
    /// The highest layer.
    public let topLayer: Int
    /// How vectors are compared.
    public let metric: FlatVectorIndex.Metric

    /// A snapshot of `index`'s graph.
    public init(_ index: HNSWIndex) {
        nodes = (0..<index.slotCount).map(index.node(at:))
        vectors = (0..<index.slotCount).map(index.vector(at:))
        entrySlot = index.entrySlot
        topLayer = index.topLayer
        metric = index.metric
    }

    func distance(_ node: Int32, _ q: [Float]) -> Float {
        vectors[Int(node)].withUnsafeBufferPointer { a in
            q.withUnsafeBufferPointer { b in
                metric == .l2 ? VectorDistance.squaredDistance(a.baseAddress!, b.baseAddress!, count: b.count)
                    : 1 - VectorDistance.dot(a.baseAddress!, b.baseAddress!, count: b.count)
            }
        }
    }

    /// Same contract as `HNSWIndex.search`.
    public func search(_ query: [Float], k: Int, ef: Int, filter: ((Int) -> Bool)? = nil) -> [(id: Int, score: Float)] {
        guard k > 0, entrySlot >= 0 else { return [] }
        let q = metric == .cosine ? VectorDistance.normalized(query) : query
        var current = entrySlot
        for layer in stride(from: topLayer, to: 0, by: -1) { current = greedy(from: current, q, layer: layer) }
        let accept: (Int32) -> Bool = { n in !nodes[Int(n)].deleted && (filter?(nodes[Int(n)].id) ?? true) }
        let found = searchLayer(q, seed: current, ef: max(ef, k), accept: accept)
        return found.prefix(k).map { (nodes[Int($0.node)].id, metric == .l2 ? -$0.distance : 1 - $0.distance) }
    }

    func greedy(from start: Int32, _ q: [Float], layer: Int) -> Int32 {
        var current = start, best = distance(start, q)
        var improved = true
        while improved {
            improved = false
            for n in nodes[Int(current)].links[layer] {
                let d = distance(n, q)
                if d < best { best = d; current = n; improved = true }
            }
        }
        return current
    }

    /// Algorithm 2 on layer 0, closest first.
    func searchLayer(_ q: [Float], seed: Int32, ef: Int, accept: (Int32) -> Bool) -> [Neighbour] {
        var visited = Set<Int32>([seed])
        var candidates = ReferenceHeap(closestFirst: true)
        var results = ReferenceHeap(closestFirst: false)
        let first = Neighbour(node: seed, distance: distance(seed, q))
        candidates.push(first)
        if accept(seed) { results.push(first) }
        while let c = candidates.pop() {
            if results.count >= ef, let worst = results.top, c.distance > worst.distance { break }
            for n in nodes[Int(c.node)].links[0] where visited.insert(n).inserted {
                let d = distance(n, q)
                if results.count < ef || d < results.top!.distance {
                    candidates.push(Neighbour(node: n, distance: d))
                    if accept(n) {
                        results.push(Neighbour(node: n, distance: d))
                        if results.count > ef { _ = results.pop() }
                    }
                }
            }
        }
        var out = [Neighbour]()
        while let r = results.pop() { out.append(r) }
        return out.reversed()
    }
}

/// A binary heap of neighbours in a Swift array: closest on top, or farthest on top.
struct ReferenceHeap {
    private var items: [Neighbour] = []
    let closestFirst: Bool
    init(closestFirst: Bool) { self.closestFirst = closestFirst }
    var count: Int { items.count }
    var top: Neighbour? { items.first }
    func above(_ a: Neighbour, _ b: Neighbour) -> Bool {
        closestFirst ? a.distance < b.distance : a.distance > b.distance
    }
    mutating func push(_ x: Neighbour) {
        items.append(x)
        var i = items.count - 1
        while i > 0, above(items[i], items[(i - 1) / 2]) { items.swapAt(i, (i - 1) / 2); i = (i - 1) / 2 }
    }
    mutating func pop() -> Neighbour? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let out = items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var best = i
            if l < items.count, above(items[l], items[best]) { best = l }
            if r < items.count, above(items[r], items[best]) { best = r }
            if best == i { break }
            items.swapAt(i, best)
            i = best
        }
        return out
    }
}
