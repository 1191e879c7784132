#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import Retrieval

/// The fast HNSW paths against their plain twins: the SIMD kernels against the obvious loops, the
/// pointer walk against `HNSWReferenceSearch` on the same graph, and the flat-array build against
/// the arrays-of-arrays builder the index had before (a test-only copy below).
@Suite struct HNSWFastPathTests {
    @Test func kernelsMatchThePlainLoopsAtAnyDimension() {
        var rng = SplitMix64(seed: 3)
        for d in [1, 7, 15, 16, 17, 63, 64, 65, 127, 384, 385, 1000] {
            let a = (0..<d).map { _ in Float(rng.int(2001) - 1000) / 500 }
            let b = (0..<d).map { _ in Float(rng.int(2001) - 1000) / 500 }
            let (dot, sq) = a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    (VectorDistance.dot(pa.baseAddress!, pb.baseAddress!, count: d),
                     VectorDistance.squaredDistance(pa.baseAddress!, pb.baseAddress!, count: d))
                }
            }
            let scale = Float(d) * 4
            #expect(abs(dot - VectorDistance.plainDot(a, b)) <= 1e-5 * scale, "dot at dimension \(d)")
            #expect(abs(sq - VectorDistance.plainSquaredDistance(a, b)) <= 1e-5 * scale, "squared distance at dimension \(d)")
        }
    }

    @Test(arguments: [FlatVectorIndex.Metric.cosine, .innerProduct, .l2])
    func fastSearchEqualsTheReferenceWalk(metric: FlatVectorIndex.Metric) {
        let all = HNSWIndexTests.vectors(2100, dimension: 24, seed: 11)
        var index = HNSWIndex(dimension: 24, metric: metric, parameters: .init(m: 8, efConstruction: 60))
        for (i, v) in all[..<2000].enumerated() { index.add(id: 10 * i, vector: v) }
        for i in stride(from: 0, to: 2000, by: 7) { index.remove(id: 10 * i) }
        let reference = HNSWReferenceSearch(index)
        var mismatches = 0
        for (qi, q) in all[2000...].enumerated() {
            for ef in [10, 40] {
                let filter: ((Int) -> Bool)? = qi % 2 == 0 ? nil : { $0 % 3 != 0 }
                let fast = index.search(q, k: 10, ef: ef, filter: filter)
                let slow = reference.search(q, k: 10, ef: ef, filter: filter)
                if fast.map(\.id) != slow.map(\.id) || zip(fast, slow).contains(where: { $0.score != $1.score }) {
                    mismatches += 1
                }
            }
        }
        #expect(mismatches == 0)
    }

    @Test(arguments: [FlatVectorIndex.Metric.cosine, .l2])
    func buildEqualsTheArraysOfArraysBuilder(metric: FlatVectorIndex.Metric) {
        let data = HNSWIndexTests.vectors(1500, dimension: 20, seed: 4)
        let parameters = HNSWIndex.Parameters(m: 6, efConstruction: 40, seed: 7)
        var fast = HNSWIndex(dimension: 20, metric: metric, parameters: parameters)
        var plain = PlainHNSWBuilder(dimension: 20, metric: metric, parameters: parameters)
        for (i, v) in data.enumerated() { fast.add(id: i, vector: v); plain.add(v) }
        #expect(fast.slotCount == plain.links.count)
        #expect((0..<fast.slotCount).filter { fast.node(at: $0).links != plain.links[$0] }.count == 0)
        #expect(fast.entrySlot == plain.entry && fast.topLayer == plain.topLayer)
    }

    @Test func concurrentSearchesAgreeWithSerialOnes() async {
        let all = HNSWIndexTests.vectors(1300, dimension: 16, seed: 21)
        var index = HNSWIndex(dimension: 16, parameters: .init(m: 8, efConstruction: 50))
        for (i, v) in all[..<1200].enumerated() { index.add(id: i, vector: v) }
        let frozen = index
        let queries = Array(all[1200...])
        let serial = queries.map { frozen.search($0, k: 5).map(\.id) }
        let parallel = await withTaskGroup(of: (Int, [Int]).self) { group in
            for (i, q) in queries.enumerated() { group.addTask { (i, frozen.search(q, k: 5).map(\.id)) } }
            var out = [[Int]](repeating: [], count: queries.count)
            for await (i, ids) in group { out[i] = ids }
            return out
        }
        #expect(zip(serial, parallel).filter { $0 != $1 }.count == 0)
    }
}

/// The builder `HNSWIndex` had before its flat-array rewrite (links as arrays of arrays, a fresh
/// visited bitmap per search), kept here as the definition the fast build must reproduce.
struct PlainHNSWBuilder {
    let dimension: Int, metric: FlatVectorIndex.Metric, parameters: HNSWIndex.Parameters
    var data: [[Float]] = []
    var links: [[[Int32]]] = []
    var entry: Int32 = -1, topLayer = -1
    var random: UInt64

    init(dimension: Int, metric: FlatVectorIndex.Metric, parameters: HNSWIndex.Parameters) {
        self.dimension = dimension
        self.metric = metric
        self.parameters = parameters
        random = parameters.seed
    }

    func distance(_ a: [Float], _ b: [Float]) -> Float {
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                metric == .l2 ? VectorDistance.squaredDistance(x.baseAddress!, y.baseAddress!, count: x.count)
                    : 1 - VectorDistance.dot(x.baseAddress!, y.baseAddress!, count: x.count)
            }
        }
    }

    mutating func nextLevel() -> Int { HNSWIndex.level(state: &random, m: parameters.m) }

    mutating func add(_ vector: [Float]) {
        let v = metric == .cosine ? VectorDistance.normalized(vector) : vector
        let node = Int32(data.count), level = nextLevel()
        data.append(v)
        links.append(Array(repeating: [], count: level + 1))
        guard entry >= 0 else { entry = node; topLayer = level; return }
        var current = entry
        for layer in stride(from: topLayer, to: level, by: -1) { current = greedy(current, v, layer) }
        var seeds = [current]
        for l in stride(from: min(level, topLayer), through: 0, by: -1) {
            let candidates = searchLayer(v, seeds, l)
            let chosen = select(candidates, parameters.m)
            links[Int(node)][l] = chosen.map(\.node)
            for n in chosen.map(\.node) { connect(n, node, l) }
            seeds = candidates.map(\.node)
        }
        if level > topLayer { topLayer = level; entry = node }
    }

    func greedy(_ start: Int32, _ q: [Float], _ layer: Int) -> Int32 {
        var current = start, best = distance(data[Int(start)], q), improved = true
        while improved {
            improved = false
            for n in links[Int(current)][layer] where distance(data[Int(n)], q) < best {
                best = distance(data[Int(n)], q); current = n; improved = true
            }
        }
        return current
    }

    func searchLayer(_ q: [Float], _ seeds: [Int32], _ layer: Int) -> [Neighbour] {
        var visited = Set<Int32>()
        var candidates = ReferenceHeap(closestFirst: true), results = ReferenceHeap(closestFirst: false)
        for s in seeds where visited.insert(s).inserted {
            let n = Neighbour(node: s, distance: distance(data[Int(s)], q))
            candidates.push(n); results.push(n)
        }
        while results.count > parameters.efConstruction { _ = results.pop() }
        while let c = candidates.pop() {
            if results.count >= parameters.efConstruction, c.distance > results.top!.distance { break }
            for n in links[Int(c.node)][layer] where visited.insert(n).inserted {
                let d = distance(data[Int(n)], q)
                if results.count < parameters.efConstruction || d < results.top!.distance {
                    candidates.push(Neighbour(node: n, distance: d))
                    results.push(Neighbour(node: n, distance: d))
                    if results.count > parameters.efConstruction { _ = results.pop() }
                }
            }
        }
        var out = [Neighbour]()
        while let r = results.pop() { out.append(r) }
        return out.reversed()
    }

    func select(_ candidates: [Neighbour], _ count: Int) -> [Neighbour] {
        var kept = [Neighbour]()
        for c in candidates where kept.count < count {
            if kept.allSatisfy({ distance(data[Int($0.node)], data[Int(c.node)]) > c.distance }) { kept.append(c) }
        }
        return kept
    }

    mutating func connect(_ n: Int32, _ node: Int32, _ layer: Int) {
        let limit = layer == 0 ? 2 * parameters.m : parameters.m
        links[Int(n)][layer].append(node)
        guard links[Int(n)][layer].count > limit else { return }
        let sorted = links[Int(n)][layer].map { Neighbour(node: $0, distance: distance(data[Int($0)], data[Int(n)])) }
            .sorted { $0.distance < $1.distance }
        links[Int(n)][layer] = select(sorted, limit).map(\.node)
    }
}
