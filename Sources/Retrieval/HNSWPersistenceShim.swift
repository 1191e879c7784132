// TEMPORARY: the persistence API on the plain HNSW index until the fast index (with changed-slot
// tracking) lands; this file is deleted then.

/// One node as stored: the caller's id, whether it is deleted, and its neighbour slots per layer (layer 0 first).
public struct HNSWNode: Sendable, Equatable {
    public var id: Int
    public var deleted: Bool
    public var links: [[Int32]]
    public init(id: Int, deleted: Bool, links: [[Int32]]) { self.id = id; self.deleted = deleted; self.links = links }
}

/// A stored graph that does not hold together.
public struct HNSWRestoreError: Error, Sendable, CustomStringConvertible {
    public var slot: Int
    public var problem: String
    public var description: String { "HNSW node \(slot): \(problem)" }
}

extension HNSWIndex {
    public var slotCount: Int { ids.count }
    public func node(at slot: Int) -> HNSWNode { HNSWNode(id: ids[slot], deleted: deleted[slot], links: links[slot]) }
    public func vector(at slot: Int) -> [Float] { Array(data[(slot * dimension)..<((slot + 1) * dimension)]) }
    public var entrySlot: Int32 { entry }
    public var randomState: UInt64 { random }
    public func slot(of id: Int) -> Int? { ids.firstIndex(of: id) }
    public mutating func takeChangedSlots() -> [Int] { Array(0..<ids.count) }

    public init(dimension: Int, metric: FlatVectorIndex.Metric, parameters: Parameters, nodes: [HNSWNode],
                vectors: [Float], entrySlot: Int32, topLayer: Int, randomState: UInt64) throws {
        self.init(dimension: dimension, metric: metric, parameters: parameters)
        guard vectors.count == nodes.count * dimension else {
            throw HNSWRestoreError(slot: nodes.count, problem: "\(vectors.count) vector values for \(nodes.count) nodes of dimension \(dimension)")
        }
        for (i, n) in nodes.enumerated() {
            for layer in n.links { for l in layer where l < 0 || Int(l) >= nodes.count {
                throw HNSWRestoreError(slot: i, problem: "link to \(l) outside 0..<\(nodes.count)")
            } }
        }
        data = vectors
        ids = nodes.map(\.id)
        deleted = nodes.map(\.deleted)
        deletedCount = deleted.filter { $0 }.count
        links = nodes.map(\.links)
        entry = entrySlot
        self.topLayer = topLayer
        random = randomState
    }
}
