import CTernKernels

/// Raw views of an `HNSWIndex`'s storage, valid inside `HNSWIndex.withGraph`: the hot loops of
/// search and insertion (Algorithms 2 and 4 of the paper) without array bounds or copy checks.
struct HNSWGraphView {
    /// `slots × dimension` floats.
    let vectors: UnsafeBufferPointer<Float>
    /// `slots × (1 + 2m)`: count, then neighbours.
    let level0: UnsafeBufferPointer<Int32>
    /// Upper-layer lists, `1 + m` values each.
    let upper: UnsafeBufferPointer<Int32>
    let upperStart: UnsafeBufferPointer<Int>
    let dimension: Int
    let m: Int
    let isL2: Bool

    /// The vector of `node`.
    @inline(__always) func row(_ node: Int32) -> UnsafePointer<Float> {
        let offset: Int = Int(node) &* dimension
        return vectors.baseAddress.unsafelyUnwrapped + offset
    }

    /// Distance (lower is closer) between stored `node` and `q`: squared L2, or 1 − dot.
    @inline(__always) func distance(_ node: Int32, _ q: UnsafePointer<Float>) -> Float {
        isL2 ? VectorDistance.squaredDistance(row(node), q, count: dimension)
            : 1 - VectorDistance.dot(row(node), q, count: dimension)
    }

    /// `node`'s list on `layer`: element 0 is the count, the neighbours follow. The node must
    /// reach `layer` (callers only walk links, which respect levels).
    @inline(__always) func links(_ node: Int32, layer: Int) -> UnsafePointer<Int32> {
        if layer == 0 {
            let offset: Int = Int(node) &* (1 &+ 2 &* m)
            return level0.baseAddress.unsafelyUnwrapped + offset
        }
        let offset: Int = upperStart[Int(node)] &+ (layer &- 1) &* (1 &+ m)
        return upper.baseAddress.unsafelyUnwrapped + offset
    }

    /// Prefetches the lines of `node`'s vector after the first.
    @inline(__always) func prefetchRest(_ node: Int32) {
        let r = UnsafeRawPointer(row(node))
        var offset = 64
        let end = dimension &* 4
        while offset < end { tern_prefetch(r + offset); offset &+= 64 }
    }

    /// Greedy walk to the closest node on one layer.
    func greedy(from start: Int32, _ q: UnsafePointer<Float>, layer: Int) -> Int32 {
        var current = start, best = distance(start, q)
        var improved = true
        while improved {
            improved = false
            let list = links(current, layer: layer)
            let count = Int(list[0])
            for i in 0..<count { tern_prefetch(row(list[i &+ 1])) }
            for i in 0..<count {
                let n = list[i &+ 1]
                if i &+ 1 < count { prefetchRest(list[i &+ 2]) }
                let d = distance(n, q)
                if d < best { best = d; current = n; improved = true }
            }
        }
        return current
    }

    /// Algorithm 2: the `ef` closest accepted nodes reachable from `seeds` on `layer`, closest
    /// first, cut to the first `limit`. `accept` nil accepts every node.
    func searchLayer(_ q: UnsafePointer<Float>, seeds: [Int32], ef: Int, layer: Int, scratch: HNSWSearchScratch,
                     accept: ((Int32) -> Bool)?, limit: Int = .max) -> [Neighbour] {
        let candidates = scratch.candidates, results = scratch.results
        for s in seeds where scratch.visit(s) {
            let n = Neighbour(node: s, distance: distance(s, q))
            candidates.push(n)
            if accept?(s) ?? true { results.push(n) }
        }
        while results.count > ef { _ = results.pop() }
        let tags = scratch.tags, epoch = scratch.epoch, pending = scratch.pending
        while candidates.count > 0 {
            let c = candidates.pop()
            if results.count >= ef, c.distance > results.top.distance { break }
            // Unvisited neighbours first, each with a prefetch of its vector's first line (the
            // hardware streams the rest once it is read), then their distances: the vectors
            // arrive while the earlier ones are compared.
            let list = links(c.node, layer: layer)
            var fresh = 0
            for i in 0..<Int(list[0]) {
                let n = list[i &+ 1]
                if tags[Int(n)] != epoch {
                    tags[Int(n)] = epoch
                    pending[fresh] = n
                    fresh &+= 1
                    tern_prefetch(row(n))
                }
            }
            for j in 0..<fresh {
                let n = pending[j]
                if j &+ 1 < fresh { prefetchRest(pending[j &+ 1]) }
                let d = distance(n, q)
                if results.count < ef || d < results.top.distance {
                    candidates.push(Neighbour(node: n, distance: d))
                    // Its link list will be read when it is expanded: start that load now.
                    tern_prefetch(links(n, layer: layer))
                    if accept?(n) ?? true {
                        results.push(Neighbour(node: n, distance: d))
                        if results.count > ef { _ = results.pop() }
                    }
                }
            }
        }
        while results.count > limit { _ = results.pop() }
        var out = [Neighbour](repeating: Neighbour(node: 0, distance: 0), count: results.count)
        var i = results.count
        while results.count > 0 { i -= 1; out[i] = results.pop() }
        return out
    }

    /// Algorithm 4 (the heuristic): keep a candidate only if it is closer to the new node than
    /// to every neighbour already kept; `candidates` closest first.
    func selectNeighbours(_ candidates: [Neighbour], count: Int) -> [Neighbour] {
        var kept = [Neighbour]()
        kept.reserveCapacity(count)
        for c in candidates {
            if kept.count >= count { break }
            let cv = row(c.node)
            var diverse = true
            for k in kept where distance(k.node, cv) <= c.distance { diverse = false; break }
            if diverse { kept.append(c) }
        }
        return kept
    }

    /// `n`'s links on `layer` with `node` added, re-selected by the heuristic (against `n`) when
    /// over `limit`.
    func linkedList(adding node: Int32, to n: Int32, layer: Int, limit: Int) -> [Int32] {
        let list = links(n, layer: layer)
        var out = (0..<Int(list[0])).map { list[$0 + 1] }
        out.append(node)
        guard out.count > limit else { return out }
        let nv = row(n)
        let neighbours = out.map { Neighbour(node: $0, distance: distance($0, nv)) }.sorted { $0.distance < $1.distance }
        return selectNeighbours(neighbours, count: limit).map(\.node)
    }
}
