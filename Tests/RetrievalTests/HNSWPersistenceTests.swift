import Testing
import TestSupport
@testable import Retrieval

/// The stored form of an HNSW index: save the parts, restore without relinking, keep adding; the
/// restored index must be indistinguishable from one that never stopped.
@Suite struct HNSWPersistenceTests {
    struct Parts {
        var nodes: [HNSWNode], vectors: [Float], entry: Int32, top: Int, random: UInt64
    }

    static func save(_ index: HNSWIndex) -> Parts {
        Parts(nodes: (0..<index.slotCount).map(index.node(at:)),
              vectors: (0..<index.slotCount).flatMap(index.vector(at:)),
              entry: index.entrySlot, top: index.topLayer, random: index.randomState)
    }

    static func restore(_ p: Parts, like index: HNSWIndex) throws -> HNSWIndex {
        try HNSWIndex(dimension: index.dimension, metric: index.metric, parameters: index.parameters, nodes: p.nodes,
                      vectors: p.vectors, entrySlot: p.entry, topLayer: p.top, randomState: p.random)
    }

    @Test(arguments: [FlatVectorIndex.Metric.cosine, .l2])
    func restoredIndexContinuesLikeOneThatNeverStopped(metric: FlatVectorIndex.Metric) throws {
        let data = HNSWIndexTests.vectors(1000, dimension: 12, seed: 31)
        var straight = HNSWIndex(dimension: 12, metric: metric, parameters: .init(m: 6, efConstruction: 40))
        for (i, v) in data[..<600].enumerated() { straight.add(id: 5 * i, vector: v) }
        straight.remove(id: 50)
        var restored = try Self.restore(Self.save(straight), like: straight)
        #expect(restored.takeChangedSlots().isEmpty)
        #expect(restored.count == straight.count && restored.slot(of: 55) == 11 && restored.slot(of: 50) == nil)
        for (i, v) in data[600...].enumerated() {
            straight.add(id: 5 * (600 + i), vector: v)
            restored.add(id: 5 * (600 + i), vector: v)
        }
        restored.remove(id: 100)
        straight.remove(id: 100)
        #expect(restored.slotCount == straight.slotCount && restored.entrySlot == straight.entrySlot)
        #expect(restored.topLayer == straight.topLayer && restored.randomState == straight.randomState)
        #expect((0..<straight.slotCount).filter { restored.node(at: $0) != straight.node(at: $0) }.count == 0)
        #expect((0..<straight.slotCount).filter { restored.vector(at: $0) != straight.vector(at: $0) }.count == 0)
        let differing = data[..<50].filter { q in
            restored.search(q, k: 10, ef: 30).map(\.id) != straight.search(q, k: 10, ef: 30).map(\.id)
        }
        #expect(differing.isEmpty)
    }

    @Test func changedSlotsNameEveryRelinkedAddedOrDeletedNode() {
        let data = HNSWIndexTests.vectors(300, dimension: 8, seed: 2)
        var index = HNSWIndex(dimension: 8, parameters: .init(m: 4, efConstruction: 20))
        for (i, v) in data[..<299].enumerated() { index.add(id: i, vector: v) }
        #expect(index.takeChangedSlots() == Array(0..<299))
        #expect(index.takeChangedSlots().isEmpty)
        let before = (0..<299).map(index.node(at:))
        index.add(id: 299, vector: data[299])
        index.remove(id: 3)
        let changed = index.takeChangedSlots()
        let actually = (0..<300).filter { $0 == 299 || index.node(at: $0) != before[$0] }
        #expect(changed == actually)
        #expect(changed.contains(3) && changed.contains(299) && changed.count > 2)
    }

    @Test func slotOfFollowsAddsRemovesAndRepeatedIds() {
        var index = HNSWIndex(dimension: 2, metric: .l2)
        index.add(id: 7, vector: [0, 0])
        index.add(id: 8, vector: [1, 0])
        index.add(id: 7, vector: [0, 1])
        #expect(index.slot(of: 7) == 2 && index.slot(of: 8) == 1 && index.slot(of: 9) == nil)
        #expect(index.search([0, 0], k: 3).map(\.id).sorted() == [7, 7, 8])
        index.remove(id: 7)
        #expect(index.slot(of: 7) == nil && index.count == 1)
        #expect(index.search([0, 0], k: 3).map(\.id) == [8])
        index.add(id: 7, vector: [5, 5])
        #expect(index.slot(of: 7) == 3 && index.count == 2)
    }

    @Test func badPartsThrowNamingTheSlot() throws {
        var index = HNSWIndex(dimension: 4, parameters: .init(m: 2, efConstruction: 10))
        for i in 0..<20 { index.add(id: i, vector: [Float(i), 1, Float(i % 3), 2]) }
        let good = Self.save(index)
        var p = good
        p.nodes[5].links[0].append(20)
        #expect(throws: HNSWRestoreError.linkOutOfRange(slot: 5, layer: 0, link: 20)) { try Self.restore(p, like: index) }
        p = good
        p.nodes[3].links[0] = [-1]
        #expect(throws: HNSWRestoreError.linkOutOfRange(slot: 3, layer: 0, link: -1)) { try Self.restore(p, like: index) }
        p = good
        p.nodes[4].links[0] = [0, 1, 2, 3, 5]
        #expect(throws: HNSWRestoreError.tooManyLinks(slot: 4, layer: 0, count: 5, limit: 4)) { try Self.restore(p, like: index) }
        p = good
        p.vectors.removeLast()
        #expect(throws: HNSWRestoreError.vectorCount(expected: 80, found: 79)) { try Self.restore(p, like: index) }
        p = good
        p.nodes.removeLast()
        #expect(throws: HNSWRestoreError.self) { try Self.restore(p, like: index) }
        p = good
        p.nodes[6].links = []
        #expect(throws: HNSWRestoreError.noLayers(slot: 6)) { try Self.restore(p, like: index) }
        p = good
        p.entry = 20
        #expect(throws: HNSWRestoreError.entrySlot(20, slotCount: 20)) { try Self.restore(p, like: index) }
        p = good
        p.top += 1
        #expect(throws: HNSWRestoreError.topLayer(good.top + 1, entryLevel: good.top)) { try Self.restore(p, like: index) }
        let empty = try HNSWIndex(dimension: 4, metric: .cosine, parameters: .init(), nodes: [], vectors: [],
                                  entrySlot: -1, topLayer: -1, randomState: 9)
        #expect(empty.search([1, 0, 0, 0], k: 3).isEmpty && empty.entrySlot == -1)
    }
}
