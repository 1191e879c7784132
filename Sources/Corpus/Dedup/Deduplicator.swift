/// The three phases exact and MinHash deduplication share: per-document keys into shards
/// (parallel), clusters over all shards, a filter that keeps each cluster's first document.
/// A type supplies its keys and parameters; the phases come from this protocol.
public protocol Deduplicator: Sendable {
    /// `[UInt64]`, or `[UInt64]?` when some documents cannot be keyed (too short for a shingle).
    associatedtype Keys
    /// Phase 1 for one document (nil: the document cannot be keyed and is never a duplicate).
    func keys(of text: String) -> Keys
    /// An empty phase-1 shard for these parameters.
    func emptyShard() -> DedupKeys
    /// Identifies the parameters that change keys (shards must agree on it).
    var parameterFingerprint: UInt64 { get }
    /// Keys compared together in phase 2 (2 for a 128-bit exact key, 1 per MinHash band).
    var columnsPerGroup: Int { get }
    /// Phase 3's drop reason and metadata prefix (`<prefix>_cluster_id`, `<prefix>_cluster_size`).
    var duplicateReason: String { get }
    var metadataPrefix: String { get }
}

extension Deduplicator {
    /// Phase 1 for a whole shard of texts, in order.
    public func shard(of texts: some Sequence<String>) -> DedupKeys {
        var shard = emptyShard()
        for text in texts { shard.append(keys(of: text) as? [UInt64]) }
        return shard
    }

    /// Phase 2: clusters over all shards.
    public func clusters(of shards: [DedupKeys], names: [String]? = nil) throws(DedupError) -> DuplicateClusters {
        try DuplicateClusters.find(shards: shards, columnsPerGroup: columnsPerGroup, names: names)
    }

    /// Phase 2 from phase-1 files (in shard order); errors name the offending file.
    public func clusters(shardFiles paths: [String]) throws(DedupError) -> DuplicateClusters {
        var shards = [DedupKeys]()
        for path in paths {
            let shard = try DedupKeys.read(from: path)
            guard shard.parameterFingerprint == parameterFingerprint else {
                throw .mismatchedParameters(path: path, reason: "parameter fingerprint differs from this deduplicator's")
            }
            shards.append(shard)
        }
        return try clusters(of: shards, names: paths)
    }

    /// Phase 3: the filter for `clusters`.
    public func filter(_ clusters: DuplicateClusters) -> DuplicateFilter {
        DuplicateFilter(clusters: clusters, reason: duplicateReason, metadataPrefix: metadataPrefix)
    }
}
