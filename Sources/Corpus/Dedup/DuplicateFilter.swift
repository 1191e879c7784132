import ModelFiles

/// Phase 3 of deduplication: drops every cluster member but the survivor, and writes the
/// cluster id and size into the metadata of both (datatrove's `minhash_cluster_id` /
/// `minhash_cluster_size` for MinHash).
public struct DuplicateFilter: Sendable {
    /// The phase-2 result.
    public let clusters: DuplicateClusters
    /// The drop reason (`minhash_duplicate`, `exact_duplicate`).
    public let reason: String
    /// Metadata key prefix: `<prefix>_cluster_id`, `<prefix>_cluster_size` (`minhash`, `exact_dedup`).
    public let metadataPrefix: String

    /// A filter over `clusters`.
    public init(clusters: DuplicateClusters, reason: String, metadataPrefix: String) {
        self.clusters = clusters
        self.reason = reason
        self.metadataPrefix = metadataPrefix
    }

    /// The verdict on document `index` of shard `shard` (the order phase 1 saw them in);
    /// annotates the document when it belongs to a cluster.
    public func apply(to document: inout Document, shard: Int, index: Int) -> FilterVerdict {
        guard let member = clusters.member(shard: shard, index: index) else { return .keep }
        document[metadata: metadataPrefix + "_cluster_id"] = .number(Double(member.cluster), integer: member.cluster)
        document[metadata: metadataPrefix + "_cluster_size"] = .number(Double(member.size), integer: member.size)
        return member.isDropped ? .drop(reason: reason) : .keep
    }
}
