/// Disjoint sets over documents 0 ..< n, whose root is always the smallest member, so that a
/// cluster's root is its first document in input order. 4 bytes per document.
struct UnionFind {
    private var parent: [UInt32]

    init(count: Int) { parent = (0 ..< count).map { UInt32($0) } }

    /// The root (smallest member) of `x`'s set, halving paths on the way.
    mutating func find(_ x: Int) -> Int {
        var x = x
        while Int(parent[x]) != x {
            parent[x] = parent[Int(parent[x])]
            x = Int(parent[x])
        }
        return x
    }

    mutating func union(_ x: Int, _ y: Int) {
        let (rx, ry) = (find(x), find(y))
        if rx == ry { return }
        if rx < ry { parent[ry] = UInt32(rx) } else { parent[rx] = UInt32(ry) }
    }

    /// Every document of a set of size ≥ 2, ascending, with its root and set size.
    mutating func clusterMembers() -> [DuplicateClusters.Member] {
        var size = [UInt32](repeating: 0, count: parent.count)
        for x in parent.indices { size[find(x)] += 1 }
        var out = [DuplicateClusters.Member]()
        for x in parent.indices {
            let root = find(x)
            if size[root] >= 2 { out.append(.init(document: x, cluster: root, size: Int(size[root]))) }
        }
        return out
    }
}
