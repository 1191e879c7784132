import Foundation

/// How text is normalised before exact-duplicate hashing. Defaults aim at "the same page":
/// NFC (so composed and decomposed accents agree) and whitespace collapsed (so re-wrapping does
/// not hide a copy), but case kept (case differences are usually real edits).
public struct ExactNormalization: Codable, Sendable, Equatable {
    /// Unicode NFC first (default true).
    public var nfc = true
    /// Lowercase (default false).
    public var lowercase = false
    /// Strip, and collapse every whitespace run to one space (default true).
    public var collapseWhitespace = true

    /// The defaults above.
    public init() {}

    /// `text` normalised.
    public func apply(_ text: String) -> String {
        var s = nfc ? text.precomposedStringWithCanonicalMapping : text
        if lowercase { s = s.lowercased() }
        if collapseWhitespace {
            s = s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        }
        return s
    }
}

/// Exact-duplicate removal in the same three phases as `MinHashDeduplicator`: phase 1 keys are
/// a 128-bit hash of the normalised text (XXH64 with two different seeds: a false match needs
/// both to collide, ~2^-128 per pair); phase 2 groups equal keys; phase 3 keeps the first
/// occurrence, drops the rest with reason `exact_duplicate` and writes `exact_dedup_cluster_id`
/// / `exact_dedup_cluster_size`. Index: 17 bytes per document.
public struct ExactDeduplicator: Deduplicator {
    /// The normalisation applied before hashing.
    public let normalization: ExactNormalization

    /// A deduplicator normalising with `normalization`.
    public init(normalization: ExactNormalization = ExactNormalization()) {
        self.normalization = normalization
    }

    /// Fingerprint of the normalisation (shards must agree on it).
    public var parameterFingerprint: UInt64 {
        XXHash64.hash("exact nfc=\(normalization.nfc) lower=\(normalization.lowercase) ws=\(normalization.collapseWhitespace)")
    }

    /// Phase 1 for one document: the two 64-bit halves of its 128-bit key.
    public func keys(of text: String) -> [UInt64] {
        let normalized = normalization.apply(text)
        return [XXHash64.hash(normalized, seed: 0), XXHash64.hash(normalized, seed: 0x9E37_79B9_7F4A_7C15)]
    }

    /// An empty phase-1 shard.
    public func emptyShard() -> DedupKeys { DedupKeys(keysPerDoc: 2, parameterFingerprint: parameterFingerprint) }

    /// Band groups compared in phase 2 (keys per group).
    public var columnsPerGroup: Int { 2 }
    /// Phase 3's drop reason and metadata prefix.
    public var duplicateReason: String { "exact_duplicate" }
    public var metadataPrefix: String { "exact_dedup" }
}
