/// Phase 2 of deduplication: which documents of all shards are duplicates of which.
///
/// Documents are numbered globally in input order (shard by shard, in the order the shards
/// are given). Two documents match when, in some key group, all their keys are equal (MinHash:
/// a group is one band key, so one matching band suffices; exact dedup: one group of both
/// hash halves). Matches are found by sorting (key, document) pairs one group at a time, not by
/// a dictionary of arrays, and joined by union-find into connected components.
///
/// Survivor rule: in each cluster the document that comes first in input order is kept and
/// is the cluster's id (its global number); every other member is dropped.
///
/// Memory: while clustering, 4 bytes per document (union-find parent) plus 8 + 8·(keys per group)
/// bytes per document of the group being sorted, besides the shards' own keys.
public struct DuplicateClusters: Sendable, Equatable {
    /// Documents per shard, in shard order (to turn (shard, index) into a global number).
    public let shardDocCounts: [Int]
    /// One entry per document in a cluster of size ≥ 2, ascending by document.
    public let members: [Member]

    /// A document that belongs to a duplicate cluster.
    public struct Member: Sendable, Equatable {
        /// Global number of the document.
        public var document: Int
        /// Global number of the cluster's first document (the survivor).
        public var cluster: Int
        /// Number of documents in the cluster.
        public var size: Int
        /// Whether the document is dropped (every member except the survivor).
        public var isDropped: Bool { document != cluster }
    }

    /// Clusters built from given members (for reading files and tests).
    public init(shardDocCounts: [Int], members: [Member]) {
        self.shardDocCounts = shardDocCounts
        self.members = members
        var starts = [Int](), start = 0
        for n in shardDocCounts { starts.append(start); start += n }
        shardStarts = starts
    }

    private let shardStarts: [Int]

    /// Total documents over all shards.
    public var documentCount: Int { shardDocCounts.reduce(0, +) }
    /// Documents to drop (all cluster members but the survivors).
    public var droppedCount: Int { members.count { $0.isDropped } }

    /// The cluster membership of document `index` of shard `shard`, nil if it is unique.
    public func member(shard: Int, index: Int) -> Member? {
        guard shard >= 0, shard < shardStarts.count, index >= 0, index < shardDocCounts[shard] else { return nil }
        return member(document: shardStarts[shard] + index)
    }

    /// The cluster membership of global document `document`, nil if it is unique.
    public func member(document: Int) -> Member? {
        var low = 0, high = members.count
        while low < high {
            let mid = (low + high) / 2
            if members[mid].document < document { low = mid + 1 } else { high = mid }
        }
        return low < members.count && members[low].document == document ? members[low] : nil
    }

    /// Finds the clusters of `shards`, whose keys are matched `columnsPerGroup` at a time.
    public static func find(shards: [DedupKeys], columnsPerGroup: Int,
                            names: [String]? = nil) throws(DedupError) -> DuplicateClusters {
        guard let first = shards.first else { return DuplicateClusters(shardDocCounts: [], members: []) }
        for (s, shard) in shards.enumerated() where shard.keysPerDoc != first.keysPerDoc
            || shard.parameterFingerprint != first.parameterFingerprint {
            throw .mismatchedParameters(path: names.flatMap { s < $0.count ? $0[s] : nil } ?? "shard \(s)",
                reason: "keys per document or parameter fingerprint differ from the first shard")
        }
        guard columnsPerGroup >= 1, first.keysPerDoc % columnsPerGroup == 0 else {
            throw .invalidConfig("\(first.keysPerDoc) keys per document do not split into groups of \(columnsPerGroup)")
        }
        let total = shards.reduce(0) { $0 + $1.count }
        guard total < Int(UInt32.max) else {
            throw .invalidConfig("\(total) documents: phase 2 numbers documents with UInt32; split the run")
        }
        var sets = UnionFind(count: total)
        for group in 0 ..< first.keysPerDoc / columnsPerGroup {
            unionMatches(shards, columns: group * columnsPerGroup ..< (group + 1) * columnsPerGroup, into: &sets)
        }
        return DuplicateClusters(shardDocCounts: shards.map(\.count), members: sets.clusterMembers())
    }

    /// Sorts the documents by their keys of one group and unions every run of equal keys.
    /// Rows are documents with keys; `groupKeys` holds each row's keys of this group.
    static func unionMatches(_ shards: [DedupKeys], columns: Range<Int>, into sets: inout UnionFind) {
        let width = columns.count
        var documents = [UInt32](), groupKeys = [UInt64]()
        var global = 0
        for shard in shards {
            for i in 0 ..< shard.count {
                defer { global += 1 }
                guard shard.present[i] != 0 else { continue }
                documents.append(UInt32(global))
                let base = i * shard.keysPerDoc
                groupKeys.append(contentsOf: shard.keys[base + columns.lowerBound ..< base + columns.upperBound])
            }
        }
        func equal(_ x: Int, _ y: Int) -> Bool {
            for c in 0 ..< width where groupKeys[x * width + c] != groupKeys[y * width + c] { return false }
            return true
        }
        var order = Array(0 ..< UInt32(documents.count))
        order.sort { x, y in
            let (i, j) = (Int(x), Int(y))
            for c in 0 ..< width where groupKeys[i * width + c] != groupKeys[j * width + c] {
                return groupKeys[i * width + c] < groupKeys[j * width + c]
            }
            return i < j
        }
        var start = 0
        for k in order.indices.dropFirst() {
            if equal(Int(order[start]), Int(order[k])) {
                sets.union(Int(documents[Int(order[start])]), Int(documents[Int(order[k])]))
            } else {
                start = k
            }
        }
    }
}
