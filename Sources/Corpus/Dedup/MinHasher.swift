/// Computes MinHash signatures exactly as datatrove's `MinhashDedupSignature`: shingles are
/// XXH64 of the space-joined word n-grams of the simplified text; each of the
/// `bands × rows` permutations maps a shingle h to `(h·a + b) mod (2^61 − 1)` in
/// wrapping 64-bit arithmetic (as NumPy's uint64 does); the signature is the column minimum.
public struct MinHasher: Sendable {
    /// The parameters this hasher was built with.
    public let config: MinHashConfig
    /// Permutation multipliers a (in 1 ..< 2^61−1) and offsets b (in 0 ..< 2^61−1), drawn as
    /// datatrove draws them: `RandomState(seed).randint` for a, then for b. Shape: (bands·rows).
    public let a: [UInt64], b: [UInt64]
    /// How simplified text is cut into words (default: `SimplifiedTextWords.split`).
    public let words: @Sendable (String) -> [Substring]

    /// The Mersenne prime 2^61 − 1, the modulus of the permutations.
    public static let mersennePrime: UInt64 = (1 << 61) - 1

    /// A hasher for `config`, splitting words with `words`.
    public init(config: MinHashConfig = MinHashConfig(),
                words: @escaping @Sendable (String) -> [Substring] = SimplifiedTextWords.split) throws(DedupError) {
        try config.validate()
        self.config = config
        var random = NumpyRandomState(seed: config.seed)
        a = random.randintUInt64(low: 1, high: Self.mersennePrime, count: config.signatureLength)
        b = random.randintUInt64(low: 0, high: Self.mersennePrime, count: config.signatureLength)
        self.words = words
    }

    /// The signature of a document's text, or nil when it has fewer words than one n-gram
    /// (datatrove writes no signature for such a document, so it is never a duplicate).
    public func signature(of text: String) -> [UInt64]? {
        let simplified = config.simplifier.simplify(text)
        return signature(words: words(simplified))
    }

    /// The signature of already simplified and split words (pluggable word splitting).
    public func signature(words: [Substring]) -> [UInt64]? {
        let shingles = self.shingles(words: words)
        guard !shingles.isEmpty else { return nil }
        return signature(shingles: shingles)
    }

    /// XXH64 of each n-gram of `words` joined by single spaces. Shape: (words − n + 1).
    public func shingles(words: [Substring]) -> [UInt64] {
        XXHash64.nGramHashes(words, n: config.nGramSize)
    }

    /// Column minima of the permuted shingles. Shape: (bands·rows).
    public func signature(shingles: [UInt64]) -> [UInt64] {
        var minima = [UInt64](repeating: .max, count: a.count)
        let p = Self.mersennePrime
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                minima.withUnsafeMutableBufferPointer { m in
                    for h in shingles {
                        for j in 0 ..< a.count {
                            let v = (h &* a[j] &+ b[j]) % p
                            if v < m[j] { m[j] = v }
                        }
                    }
                }
            }
        }
        return minima
    }

    /// The band keys of a signature: XXH64 of each band's rows (little-endian bytes). Two
    /// documents share a key when their band rows are equal, and, barring a 2^-64 collision,
    /// only then; clustering re-checks the rows. Shape: (bands).
    public func bandKeys(of signature: [UInt64]) -> [UInt64] {
        let rows = config.rows
        return (0 ..< config.bands).map { band in
            signature[band * rows ..< (band + 1) * rows].withUnsafeBytes {
                XXHash64.hash($0, seed: UInt64(band))
            }
        }
    }
}
