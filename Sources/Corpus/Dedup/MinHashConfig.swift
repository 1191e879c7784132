/// Parameters of MinHash near-duplicate detection; the defaults are datatrove's
/// `MinhashConfig` (and FineWeb's): 5-grams, 14 bands of 8 rows, seed 1, 64-bit xxHash.
public struct MinHashConfig: Codable, Sendable, Equatable {
    /// Words per shingle: small enough to catch fuzzy matches, large enough that shingles are
    /// rare (datatrove: 5).
    public var nGramSize = 5
    /// LSH bands ("buckets" in datatrove): more bands, higher recall (datatrove: 14).
    public var bands = 14
    /// Rows per band: signature values a band holds; it matches only when all are equal
    /// (datatrove's `hashes_per_bucket`: 8).
    /// Jaccard threshold ≈ (1/bands)^(1/rows) = 0.72 for 14 × 8.
    public var rows = 8
    /// Seed of the (a, b) permutation parameters; must be the same on every worker (datatrove: 1).
    public var seed: UInt32 = 1
    /// How text is simplified before shingling (datatrove's `simplify_text` defaults).
    public var simplifier = TextSimplifier()

    /// The defaults (datatrove's).
    public init() {}

    /// Signature length: bands × rows (112 by default).
    public var signatureLength: Int { bands * rows }

    /// Throws when a parameter cannot work.
    public func validate() throws(DedupError) {
        guard nGramSize >= 1 else { throw .invalidConfig("nGramSize must be ≥ 1, got \(nGramSize)") }
        guard bands >= 1 else { throw .invalidConfig("bands must be ≥ 1, got \(bands)") }
        guard rows >= 1 else { throw .invalidConfig("rows must be ≥ 1, got \(rows)") }
    }
}
