import Autodiff
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
///
/// Layout (for speed; `HNSWReferenceSearch` is the plain walk over the same graph): vectors in one
/// row-major buffer; layer-0 links in one flat `Int32` array, `1 + 2·m` slots per node (count, then
/// neighbours); upper-layer links likewise in one flat array, `1 + m` slots per node and layer.
/// Searches prefetch (CTernKernels' `tern_prefetch`) the first line of every unvisited
/// neighbour's vector before comparing any, the rest of the next one's while comparing the
/// current, and the link list of each node queued for expansion.
/// `search` is safe to call from several threads at once (each takes its own scratch buffers).
public struct HNSWIndex: Sendable {
    /// Build and search settings (hnswlib's names and defaults, efSearch 50).
    public struct Parameters: Codable, Sendable, Equatable {
        /// Links per node on the upper layers (2·m on layer 0); read once, when the index is made.
        public var m = 16
        /// Candidates kept while inserting (hnswlib's ef_construction).
        public var efConstruction = 200
        /// Candidates kept while searching when `search` is given no `ef`.
        public var efSearch = 50
        /// Seed of the level generator; read once, when the index is made.
        public var seed: UInt64 = 100
        /// Parameters with hnswlib's defaults unless given.
        public init(m: Int = 16, efConstruction: Int = 200, efSearch: Int = 50, seed: UInt64 = 100) {
            self.m = m
            self.efConstruction = efConstruction
            self.efSearch = efSearch
            self.seed = seed
        }
    }

    /// Values per vector.
    public let dimension: Int
    /// How vectors are compared (cosine vectors are normalised on insert).
    public let metric: FlatVectorIndex.Metric
    /// Settings; `m` and `seed` are fixed when the index is made, the others apply to later calls.
    public var parameters: Parameters
    /// Links per node on upper layers, as made (`parameters.m` at init).
    let m: Int
    /// Row-major vectors (normalised for cosine), `slotCount × dimension`.
    var vectors: [Float] = []
    /// The caller's id of each slot, in insertion order (deleted slots included).
    public internal(set) var ids: [Int] = []
    /// Layer-0 links: `slotCount × (1 + 2m)`; per slot the count, then the neighbour slots.
    var level0: [Int32] = []
    /// Upper-layer links: per slot, `level × (1 + m)` values (count, then neighbours) for layers 1…level.
    var upperLinks: [Int32] = []
    /// Where each slot's upper links start in `upperLinks`; `slotCount + 1` entries.
    var upperStart: [Int] = [0]
    var deleted: [Bool] = []
    var deletedCount = 0
    /// The newest live slot of each id.
    var slotByID: [Int: Int] = [:]
    /// Older live slots of ids added more than once while live (rare; `remove` deletes them too).
    var duplicateSlots: [Int: [Int]] = [:]
    var entry: Int32 = -1
    /// The highest layer of the graph (-1 when empty).
    public internal(set) var topLayer = -1
    var random: UInt64
    /// Slots whose stored form changed since `takeChangedSlots()`.
    var changed: Set<Int> = []
    let scratch = HNSWScratchPool()

    /// An empty index.
    public init(dimension: Int, metric: FlatVectorIndex.Metric = .cosine, parameters: Parameters = Parameters()) {
        precondition(dimension > 0 && parameters.m >= 2, "dimension > 0 and m ≥ 2")
        self.dimension = dimension
        self.metric = metric
        self.parameters = parameters
        m = parameters.m
        random = parameters.seed
    }

    /// Live vectors.
    public var count: Int { ids.count - deletedCount }

    /// Link slots per node on layer 0 (count + 2m).
    var stride0: Int { 1 + 2 * m }

    /// The level (highest layer) of `slot`.
    func level(of slot: Int) -> Int { (upperStart[slot + 1] - upperStart[slot]) / (1 + m) }

    /// The live slot holding `id`, if any (the newest when it was added twice).
    public func slot(of id: Int) -> Int? { slotByID[id] }

    /// A level drawn as the paper does, ⌊−ln(u) · 1/ln(m)⌋, from the seeded generator whose state
    /// is `random` (stored, so a reopened index goes on with the same sequence).
    mutating func nextLevel() -> Int {
        Self.level(state: &random, m: m)
    }

    static func level(state: inout UInt64, m: Int) -> Int {
        var generator = SeededGenerator(seed: state)
        let u = (Double(generator.next() >> 11) + 0.5) * 0x1p-53
        state = generator.state
        return Int(-log(u) / log(Double(m)))
    }

    /// Inserts `vector` under `id`.
    public mutating func add(id: Int, vector: [Float]) {
        precondition(vector.count == dimension, "vector has \(vector.count) values, index has dimension \(dimension)")
        insert(id: id, prepared: metric == .cosine ? FlatVectorIndex.normalized(vector) : vector)
    }

    /// The live vectors in a new graph (slot order, the same parameters and seed): deleted slots
    /// are gone, so their memory and the detours searches took through them. Ids are kept;
    /// slots are renumbered, and every slot of the new index counts as changed.
    public func compacted() -> HNSWIndex {
        var out = HNSWIndex(dimension: dimension, metric: metric, parameters: parameters)
        out.reserve(count)
        for slot in 0..<ids.count where !deleted[slot] {
            out.insert(id: ids[slot], prepared: Array(vectors[(slot * dimension)..<((slot + 1) * dimension)]))
        }
        return out
    }

    /// Deleted slots (still in the graph, never returned).
    public var deletedSlotCount: Int { deletedCount }

    /// Room for `n` more nodes without regrowing the vectors or layer-0 links.
    mutating func reserve(_ n: Int) {
        vectors.reserveCapacity(vectors.count + n * dimension)
        level0.reserveCapacity(level0.count + n * stride0)
    }

    /// Inserts a vector already in stored form (normalised for cosine).
    mutating func insert(id: Int, prepared v: [Float]) {
        let node = Int32(ids.count), level = nextLevel()
        appendSlot(id: id, vector: v, level: level)
        guard entry >= 0 else { entry = node; topLayer = level; return }
        var current = entry
        let entryLayer = min(level, topLayer)
        if topLayer > level {
            current = withGraph { g in
                v.withUnsafeBufferPointer { q in
                    var c = entry
                    for layer in stride(from: topLayer, to: level, by: -1) { c = g.greedy(from: c, q.baseAddress!, layer: layer) }
                    return c
                }
            }
        }
        var seeds = [current]
        for layer in stride(from: entryLayer, through: 0, by: -1) {
            let (candidates, chosen) = scratch.with(nodes: ids.count, maxLinks: stride0) { s in
                withGraph { g in
                    v.withUnsafeBufferPointer { q -> ([Neighbour], [Neighbour]) in
                        let found = g.searchLayer(q.baseAddress!, seeds: seeds, ef: parameters.efConstruction,
                                                  layer: layer, scratch: s, accept: nil)
                        return (found, g.selectNeighbours(found, count: m))
                    }
                }
            }
            setLinks(Int(node), layer: layer, chosen.map(\.node))
            for n in chosen { connect(n.node, to: node, layer: layer) }
            seeds = candidates.map(\.node)
        }
        if level > topLayer { topLayer = level; entry = node }
    }

    /// Appends the storage of a new slot (no links yet).
    private mutating func appendSlot(id: Int, vector: [Float], level: Int) {
        let slot = ids.count
        vectors.append(contentsOf: vector)
        ids.append(id)
        deleted.append(false)
        level0.append(contentsOf: repeatElement(0, count: stride0))
        upperLinks.append(contentsOf: repeatElement(0, count: level * (1 + m)))
        upperStart.append(upperLinks.count)
        if let older = slotByID[id] { duplicateSlots[id, default: []].append(older) }
        slotByID[id] = slot
        changed.insert(slot)
    }

    /// Marks `id` deleted: never returned, still used to navigate.
    public mutating func remove(id: Int) {
        guard let slot = slotByID.removeValue(forKey: id) else { return }
        for s in [slot] + (duplicateSlots.removeValue(forKey: id) ?? []) where !deleted[s] {
            deleted[s] = true
            deletedCount += 1
            changed.insert(s)
        }
    }

    /// The `k` nearest live vectors to `query` that `filter` accepts, closest first; scores are
    /// similarities as in `FlatVectorIndex` (cosine/ip: dot product; l2: negative squared distance).
    public func search(_ query: [Float], k: Int, ef: Int? = nil, filter: ((Int) -> Bool)? = nil) -> [(id: Int, score: Float)] {
        precondition(query.count == dimension, "query has \(query.count) values, index has dimension \(dimension)")
        guard k > 0, entry >= 0 else { return [] }
        let q = metric == .cosine ? FlatVectorIndex.normalized(query) : query
        let width = max(ef ?? parameters.efSearch, k)
        let found = scratch.with(nodes: ids.count, maxLinks: stride0) { s in
            withGraph { g in
                q.withUnsafeBufferPointer { qb -> [Neighbour] in
                    let qp = qb.baseAddress!
                    var current = entry
                    for layer in stride(from: topLayer, to: 0, by: -1) { current = g.greedy(from: current, qp, layer: layer) }
                    if deletedCount == 0 && filter == nil {
                        return g.searchLayer(qp, seeds: [current], ef: width, layer: 0, scratch: s, accept: nil, limit: k)
                    }
                    return deleted.withUnsafeBufferPointer { dead in
                        g.searchLayer(qp, seeds: [current], ef: width, layer: 0, scratch: s, accept: { n in
                            !dead[Int(n)] && (filter?(ids[Int(n)]) ?? true)
                        }, limit: k)
                    }
                }
            }
        }
        return found.map { (ids[Int($0.node)], metric == .l2 ? -$0.distance : 1 - $0.distance) }
    }

    /// The exact `k` nearest of the live vectors of `ids` (scores as `search` gives them; equal
    /// scores: lower id first): for a filter so selective that the graph walk would visit more
    /// nodes than the filter lets through (`KnowledgeSearcher` uses it below 1/8 of the nodes).
    public func exactSearch(_ query: [Float], k: Int, ids: some Sequence<Int>) -> [(id: Int, score: Float)] {
        precondition(query.count == dimension, "query has \(query.count) values, index has dimension \(dimension)")
        guard k > 0 else { return [] }
        let q = metric == .cosine ? FlatVectorIndex.normalized(query) : query
        var scored = [(id: Int, score: Float)]()
        withGraph { g in
            q.withUnsafeBufferPointer { qb in
                for id in ids {
                    guard let slot = slotByID[id] else { continue }
                    let d = g.distance(Int32(slot), qb.baseAddress!)
                    scored.append((id, metric == .l2 ? -d : 1 - d))
                }
            }
        }
        return Array(scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }.prefix(k))
    }

    /// Adds `node` to `n`'s links on `layer`, re-selecting by the heuristic when the list is over its limit.
    mutating func connect(_ n: Int32, to node: Int32, layer: Int) {
        let limit = layer == 0 ? 2 * m : m
        let list = withGraph { g in g.linkedList(adding: node, to: n, layer: layer, limit: limit) }
        setLinks(Int(n), layer: layer, list)
    }

    /// Replaces `slot`'s links on `layer` (at most the layer's limit).
    mutating func setLinks(_ slot: Int, layer: Int, _ list: [Int32]) {
        let start = layer == 0 ? slot * stride0 : upperStart[slot] + (layer - 1) * (1 + m)
        if layer == 0 {
            level0[start] = Int32(list.count)
            for (i, n) in list.enumerated() { level0[start + 1 + i] = n }
        } else {
            upperLinks[start] = Int32(list.count)
            for (i, n) in list.enumerated() { upperLinks[start + 1 + i] = n }
        }
        changed.insert(slot)
    }

    /// Runs `body` with raw views of the storage (valid only inside).
    func withGraph<R>(_ body: (HNSWGraphView) throws -> R) rethrows -> R {
        try vectors.withUnsafeBufferPointer { v in
            try level0.withUnsafeBufferPointer { l0 in
                try upperLinks.withUnsafeBufferPointer { up in
                    try upperStart.withUnsafeBufferPointer { starts in
                        try body(HNSWGraphView(vectors: v, level0: l0, upper: up, upperStart: starts,
                                               dimension: dimension, m: m, isL2: metric == .l2))
                    }
                }
            }
        }
    }
}
