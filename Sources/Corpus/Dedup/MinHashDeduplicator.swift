/// MinHash near-duplicate removal in three phases an executor can run separately:
/// 1. `keys(of:)` per document (parallel per shard) → a `DedupKeys` shard of band keys,
///    written with `DedupKeys.write(to:)`;
/// 2. `clusters(of:)` over all shards → `DuplicateClusters` (write it with `write(to:)`);
/// 3. `filter(_:)` drops all but each cluster's first document, reason `minhash_duplicate`,
///    and writes `minhash_cluster_id` / `minhash_cluster_size` metadata.
///
/// Index size: bands × 8 + 1 bytes per document (113 for 14 bands), plus 4 + 16 bytes per
/// document while phase 2 runs.
public struct MinHashDeduplicator: Deduplicator {
    /// The signature maker (its config is the dedup config).
    public let hasher: MinHasher

    /// A deduplicator with `config` and a word splitter (default: `SimplifiedTextWords.split`).
    public init(config: MinHashConfig = MinHashConfig(),
                words: @escaping @Sendable (String) -> [Substring] = SimplifiedTextWords.split) throws(DedupError) {
        hasher = try MinHasher(config: config, words: words)
    }

    /// Fingerprint of the parameters that change band keys (shards must agree on it).
    public var parameterFingerprint: UInt64 {
        let c = hasher.config
        let text = "minhash n=\(c.nGramSize) bands=\(c.bands) rows=\(c.rows) seed=\(c.seed) "
            + "simplify=\(c.simplifier.lowercase)\(c.simplifier.normalizeNumbers)\(c.simplifier.removePunctuation)"
            + "\(c.simplifier.normalizeWhitespace)\(c.simplifier.stripDiacritics)"
        return XXHash64.hash(text)
    }

    /// An empty phase-1 shard for these parameters.
    public func emptyShard() -> DedupKeys {
        DedupKeys(keysPerDoc: hasher.config.bands, parameterFingerprint: parameterFingerprint)
    }

    /// Phase 1 for one document: its band keys, nil when it is too short to have a signature.
    public func keys(of text: String) -> [UInt64]? {
        hasher.signature(of: text).map(hasher.bandKeys(of:))
    }

    /// Band groups compared in phase 2 (keys per group).
    public var columnsPerGroup: Int { 1 }
    /// Phase 3's drop reason and metadata prefix.
    public var duplicateReason: String { "minhash_duplicate" }
    public var metadataPrefix: String { "minhash" }
}
