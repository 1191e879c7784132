#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hierarchical navigable small-world graph (Malkov & Yashunin 2018) for approximate nearest
/// neighbours, with hnswlib's parameters: `m` links per node (2·m on layer 0), `efConstruction`
/// candidates while inserting, `efSearch` while searching; neighbours chosen by the paper's
/// heuristic (Algorithm 4). Levels come from a seeded generator, so the same inserts in the same
/// order build the same graph. Deleted nodes stay in the graph for navigation and are never
/// returned; a filter restricts results the same way.
public struct HNSWIndex: Sendable {
    public struct Parameters: Codable, Sendable, Equatable {
        public var m = 16
        public var efConstruction = 200
        public var efSearch = 50
        public var seed: UInt64 = 100
        public init(m: Int = 16, efConstruction: Int = 200, efSearch: Int = 50, seed: UInt64 = 100) {
            self.m = m
            self.efConstruction = efConstruction
            self.efSearch = efSearch
            self.seed = seed
        }
    }

    public let dimension: Int
    public let metric: FlatVectorIndex.Metric
    public var parameters: Parameters
    /// Row-major vectors (normalised for cosine), `count × dimension`.
    var data: [Float] = []
    public internal(set) var ids: [Int] = []
    /// links[node][layer]: neighbour nodes.
    var links: [[[Int32]]] = []
    var deleted: [Bool] = []
    var deletedCount = 0
    var entry: Int32 = -1
    var topLayer = -1
    var random: UInt64

    public init(dimension: Int, metric: FlatVectorIndex.Metric = .cosine, parameters: Parameters = Parameters()) {
        precondition(dimension > 0 && parameters.m >= 2, "dimension > 0 and m ≥ 2")
        self.dimension = dimension
        self.metric = metric
        self.parameters = parameters
        random = parameters.seed
    }

    public var count: Int { ids.count - deletedCount }

    /// Distance (lower is closer) between stored node `a` and vector `q`.
    @inline(__always)
    func distance(_ node: Int32, _ q: UnsafeBufferPointer<Float>) -> Float {
        data.withUnsafeBufferPointer { all in
            let row = UnsafeBufferPointer(rebasing: all[(Int(node) * dimension)..<((Int(node) + 1) * dimension)])
            return metric == .l2 ? FlatVectorIndex.squaredDistance(row, q) : 1 - FlatVectorIndex.dot(row, q)
        }
    }

    mutating func nextLevel() -> Int {
        random = random &+ 0x9E37_79B9_7F4A_7C15
        var z = random
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let u = (Double(z >> 11) + 0.5) * 0x1p-53
        return Int(-log(u) / log(Double(parameters.m)))
    }

    /// Inserts `vector` under `id`.
    public mutating func add(id: Int, vector: [Float]) {
        precondition(vector.count == dimension, "vector has \(vector.count) values, index has dimension \(dimension)")
        let v = metric == .cosine ? FlatVectorIndex.normalized(vector) : vector
        let node = Int32(ids.count), level = nextLevel()
        data += v
        ids.append(id)
        deleted.append(false)
        links.append(Array(repeating: [], count: level + 1))
        guard entry >= 0 else { entry = node; topLayer = level; return }
        v.withUnsafeBufferPointer { q in
            var current = entry
            var layer = topLayer
            while layer > level {
                current = greedy(from: current, q, layer: layer)
                layer -= 1
            }
            var seeds = [current]
            for l in stride(from: min(level, topLayer), through: 0, by: -1) {
                let candidates = searchLayer(q, seeds: seeds, ef: parameters.efConstruction, layer: l)
                let chosen = selectNeighbours(candidates, count: parameters.m)
                links[Int(node)][l] = chosen.map(\.node)
                for n in chosen.map(\.node) { connect(n, to: node, layer: l) }
                seeds = candidates.map(\.node)
            }
        }
        if level > topLayer { topLayer = level; entry = node }
    }

    /// Marks `id` deleted: never returned, still used to navigate.
    public mutating func remove(id: Int) {
        for (i, x) in ids.enumerated() where x == id && !deleted[i] { deleted[i] = true; deletedCount += 1 }
    }

    /// The `k` nearest live vectors to `query` that `filter` accepts, closest first; scores are
    /// similarities as in `FlatVectorIndex` (cosine/ip: dot product; l2: negative squared distance).
    public func search(_ query: [Float], k: Int, ef: Int? = nil, filter: ((Int) -> Bool)? = nil) -> [(id: Int, score: Float)] {
        precondition(query.count == dimension, "query has \(query.count) values, index has dimension \(dimension)")
        guard k > 0, entry >= 0 else { return [] }
        let q = metric == .cosine ? FlatVectorIndex.normalized(query) : query
        return q.withUnsafeBufferPointer { qp in
            var current = entry
            for layer in stride(from: topLayer, to: 0, by: -1) { current = greedy(from: current, qp, layer: layer) }
            let accept: (Int32) -> Bool = { n in !deleted[Int(n)] && (filter?(ids[Int(n)]) ?? true) }
            let found = searchLayer(qp, seeds: [current], ef: max(ef ?? parameters.efSearch, k), layer: 0, accept: accept)
            return found.prefix(k).map { (ids[Int($0.node)], metric == .l2 ? -$0.distance : 1 - $0.distance) }
        }
    }

    /// Greedy walk to the closest node on one layer.
    func greedy(from start: Int32, _ q: UnsafeBufferPointer<Float>, layer: Int) -> Int32 {
        var current = start, best = distance(start, q)
        var improved = true
        while improved {
            improved = false
            for n in links[Int(current)][layer] {
                let d = distance(n, q)
                if d < best { best = d; current = n; improved = true }
            }
        }
        return current
    }

    /// Algorithm 2: the `ef` closest accepted nodes reachable from `seeds` on `layer`, closest first.
    func searchLayer(_ q: UnsafeBufferPointer<Float>, seeds: [Int32], ef: Int, layer: Int,
                     accept: (Int32) -> Bool = { _ in true }) -> [Neighbour] {
        var visited = [UInt64](repeating: 0, count: (ids.count + 63) / 64)
        var candidates = NeighbourHeap(closestFirst: true)
        var results = NeighbourHeap(closestFirst: false)  // farthest on top
        for s in seeds where visited[Int(s) >> 6] & (1 << (UInt64(s) & 63)) == 0 {
            visited[Int(s) >> 6] |= 1 << (UInt64(s) & 63)
            let n = Neighbour(node: s, distance: distance(s, q))
            candidates.push(n)
            if accept(s) { results.push(n) }
        }
        while results.count > ef { _ = results.pop() }
        while let c = candidates.pop() {
            if results.count >= ef, let worst = results.top, c.distance > worst.distance { break }
            for n in links[Int(c.node)][layer] where visited[Int(n) >> 6] & (1 << (UInt64(n) & 63)) == 0 {
                visited[Int(n) >> 6] |= 1 << (UInt64(n) & 63)
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

    /// Algorithm 4 (the heuristic): keep a candidate only if it is closer to the new node than
    /// to every neighbour already kept; `candidates` closest first.
    func selectNeighbours(_ candidates: [Neighbour], count: Int) -> [Neighbour] {
        var kept = [Neighbour]()
        for c in candidates {
            if kept.count >= count { break }
            let diverse = data.withUnsafeBufferPointer { all -> Bool in
                let cv = UnsafeBufferPointer(rebasing: all[(Int(c.node) * dimension)..<((Int(c.node) + 1) * dimension)])
                return kept.allSatisfy { distance($0.node, cv) > c.distance }
            }
            if diverse { kept.append(c) }
        }
        return kept
    }

    /// Adds `node` to `n`'s links on `layer`, re-selecting when the list is over its limit.
    mutating func connect(_ n: Int32, to node: Int32, layer: Int) {
        let limit = layer == 0 ? 2 * parameters.m : parameters.m
        links[Int(n)][layer].append(node)
        guard links[Int(n)][layer].count > limit else { return }
        let neighbours = data.withUnsafeBufferPointer { all -> [Neighbour] in
            let nv = UnsafeBufferPointer(rebasing: all[(Int(n) * dimension)..<((Int(n) + 1) * dimension)])
            return links[Int(n)][layer].map { Neighbour(node: $0, distance: distance($0, nv)) }.sorted { $0.distance < $1.distance }
        }
        links[Int(n)][layer] = selectNeighbours(neighbours, count: limit).map(\.node)
    }
}

/// A node and its distance to the query.
struct Neighbour {
    var node: Int32
    var distance: Float
}

/// A binary heap of neighbours: closest on top, or farthest on top.
struct NeighbourHeap {
    private var items: [Neighbour] = []
    let closestFirst: Bool
    init(closestFirst: Bool) { self.closestFirst = closestFirst }
    var count: Int { items.count }
    var top: Neighbour? { items.first }
    @inline(__always) func above(_ a: Neighbour, _ b: Neighbour) -> Bool {
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
