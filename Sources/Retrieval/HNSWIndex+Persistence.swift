/// One node as stored: the caller's id, whether it is deleted, and its neighbour slots per layer (layer 0 first).
public struct HNSWNode: Sendable, Equatable {
    /// The caller's id.
    public var id: Int
    /// Deleted nodes stay in the graph for navigation and are never returned.
    public var deleted: Bool
    /// `links[layer]`: neighbour slots on that layer; `links.count - 1` is the node's level.
    public var links: [[Int32]]
    /// A node.
    public init(id: Int, deleted: Bool, links: [[Int32]]) {
        self.id = id
        self.deleted = deleted
        self.links = links
    }
}

/// Why stored parts could not be made into an `HNSWIndex`.
public enum HNSWRestoreError: Error, Equatable, CustomStringConvertible {
    /// `vectors` should hold `slots × dimension` floats.
    case vectorCount(expected: Int, found: Int)
    /// A node has no layer at all (every node has at least layer 0).
    case noLayers(slot: Int)
    /// A link of `slot` on `layer` points outside `0..<slotCount`, or to a node that does not reach `layer`.
    case linkOutOfRange(slot: Int, layer: Int, link: Int32)
    /// A node has more links on a layer than the layer allows (2m on layer 0, m above).
    case tooManyLinks(slot: Int, layer: Int, count: Int, limit: Int)
    /// The entry slot is outside the nodes, or the graph is empty and the entry is not -1.
    case entrySlot(Int32, slotCount: Int)
    /// `topLayer` is not the entry node's level.
    case topLayer(Int, entryLevel: Int)
    /// `parameters.m` < 2 or `dimension` ≤ 0.
    case parameters(dimension: Int, m: Int)

    /// The reason in words.
    public var description: String {
        switch self {
        case let .vectorCount(e, f): "HNSW restore: vectors hold \(f) floats, expected \(e) (slots × dimension)"
        case let .noLayers(s): "HNSW restore: slot \(s) has no layer"
        case let .linkOutOfRange(s, l, link): "HNSW restore: slot \(s) layer \(l) links to \(link), outside the graph or that layer"
        case let .tooManyLinks(s, l, c, limit): "HNSW restore: slot \(s) layer \(l) has \(c) links, limit \(limit)"
        case let .entrySlot(e, n): "HNSW restore: entry slot \(e) with \(n) slots"
        case let .topLayer(t, lv): "HNSW restore: top layer \(t) but the entry node's level is \(lv)"
        case let .parameters(d, m): "HNSW restore: dimension \(d) and m \(m) (need > 0 and ≥ 2)"
        }
    }
}

extension HNSWIndex {
    /// Nodes, deleted included (slots are 0..<slotCount, in insertion order).
    public var slotCount: Int { ids.count }

    /// The stored form of `slot` (must be in 0..<slotCount).
    public func node(at slot: Int) -> HNSWNode {
        let links = (0...level(of: slot)).map { layer in
            let start = layer == 0 ? slot * stride0 : upperStart[slot] + (layer - 1) * (1 + m)
            let storage = layer == 0 ? level0 : upperLinks
            return Array(storage[(start + 1)..<(start + 1 + Int(storage[start]))])
        }
        return HNSWNode(id: ids[slot], deleted: deleted[slot], links: links)
    }

    /// The vector of `slot` as stored (normalised for cosine).
    public func vector(at slot: Int) -> [Float] { Array(vectors[(slot * dimension)..<((slot + 1) * dimension)]) }

    /// The slot searches start from; -1 when empty.
    public var entrySlot: Int32 { entry }

    /// The level generator's state (store it to continue the same sequence of levels after a restore).
    public var randomState: UInt64 { random }

    /// Slots whose `node(at:)` changed (added, relinked, deleted) since the last call, ascending; clears the set.
    public mutating func takeChangedSlots() -> [Int] {
        defer { changed.removeAll(keepingCapacity: true) }
        return changed.sorted()
    }

    /// Bytes of the stored form: vectors (4 per float) and links (4 per count and per link, every layer).
    public var storedBytes: Int {
        var links = 0
        for slot in 0..<slotCount {
            links += 1 + Int(level0[slot * stride0])
            for layer in stride(from: 1, through: level(of: slot), by: 1) {
                links += 1 + Int(upperLinks[upperStart[slot] + (layer - 1) * (1 + m)])
            }
        }
        return 4 * (vectors.count + links)
    }

    /// Rebuilds the in-memory index from stored parts without recomputing any link; throws (naming
    /// the slot) when a link points outside 0..<nodes.count or above the target's level, a list is
    /// over its limit, or the counts differ. No slot is marked changed.
    public init(dimension: Int, metric: FlatVectorIndex.Metric, parameters: Parameters, nodes: [HNSWNode],
                vectors: [Float], entrySlot: Int32, topLayer: Int, randomState: UInt64) throws(HNSWRestoreError) {
        guard dimension > 0, parameters.m >= 2 else { throw .parameters(dimension: dimension, m: parameters.m) }
        guard vectors.count == nodes.count * dimension else {
            throw .vectorCount(expected: nodes.count * dimension, found: vectors.count)
        }
        self.init(dimension: dimension, metric: metric, parameters: parameters)
        try Self.validate(nodes, m: parameters.m)
        if nodes.isEmpty {
            guard entrySlot == -1 else { throw .entrySlot(entrySlot, slotCount: 0) }
        } else {
            guard entrySlot >= 0, Int(entrySlot) < nodes.count else { throw .entrySlot(entrySlot, slotCount: nodes.count) }
            let entryLevel = nodes[Int(entrySlot)].links.count - 1
            guard topLayer == entryLevel else { throw .topLayer(topLayer, entryLevel: entryLevel) }
        }
        self.vectors = vectors
        level0.reserveCapacity(nodes.count * stride0)
        for (slot, node) in nodes.enumerated() {
            ids.append(node.id)
            deleted.append(node.deleted)
            level0.append(contentsOf: repeatElement(0, count: stride0))
            upperLinks.append(contentsOf: repeatElement(0, count: (node.links.count - 1) * (1 + m)))
            upperStart.append(upperLinks.count)
            for (layer, list) in node.links.enumerated() { setLinks(slot, layer: layer, list) }
            if node.deleted {
                deletedCount += 1
            } else {
                if let older = slotByID[node.id] { duplicateSlots[node.id, default: []].append(older) }
                slotByID[node.id] = slot
            }
        }
        entry = nodes.isEmpty ? -1 : entrySlot
        self.topLayer = nodes.isEmpty ? -1 : topLayer
        random = randomState
        changed.removeAll()
    }

    /// Every node has a layer 0, lists within their limits, links to nodes that reach the layer.
    private static func validate(_ nodes: [HNSWNode], m: Int) throws(HNSWRestoreError) {
        for (slot, node) in nodes.enumerated() {
            guard !node.links.isEmpty else { throw .noLayers(slot: slot) }
            for (layer, list) in node.links.enumerated() {
                let limit = layer == 0 ? 2 * m : m
                guard list.count <= limit else { throw .tooManyLinks(slot: slot, layer: layer, count: list.count, limit: limit) }
                for link in list where link < 0 || Int(link) >= nodes.count || nodes[Int(link)].links.count <= layer {
                    throw .linkOutOfRange(slot: slot, layer: layer, link: link)
                }
            }
        }
    }
}
