/// Exact nearest-neighbour search over every stored vector: the reference the HNSW index is
/// measured against, and the right index for small collections.
public struct FlatVectorIndex: Sendable {
    /// How vectors are compared; scores are "higher is closer" in every metric.
    public enum Metric: String, Codable, Sendable {
        /// Cosine similarity (vectors are normalised on insert, so it is an inner product).
        case cosine
        /// Inner product.
        case innerProduct = "ip"
        /// Negative squared Euclidean distance.
        case l2
    }

    public let dimension: Int
    public let metric: Metric
    /// Row-major, `count × dimension`.
    private var data: [Float] = []
    /// Ids of the stored vectors, in row order.
    public private(set) var ids: [Int] = []
    private var deleted: Set<Int> = []

    public init(dimension: Int, metric: Metric = .cosine) {
        precondition(dimension > 0, "dimension must be positive")
        self.dimension = dimension
        self.metric = metric
    }

    /// Live vectors.
    public var count: Int { ids.count - deleted.count }

    /// Stores `vector` under `id` (a later `add` with the same id adds another row: remove first).
    public mutating func add(id: Int, vector: [Float]) {
        precondition(vector.count == dimension, "vector has \(vector.count) values, index has dimension \(dimension)")
        data += metric == .cosine ? Self.normalized(vector) : vector
        ids.append(id)
        deleted.remove(id)
    }

    /// Marks `id` deleted (it is no longer returned).
    public mutating func remove(id: Int) { if ids.contains(id) { deleted.insert(id) } }

    /// The `k` closest stored vectors to `query`, closest first (ties: lower id), among those
    /// `filter` accepts.
    public func search(_ query: [Float], k: Int, filter: ((Int) -> Bool)? = nil) -> [(id: Int, score: Float)] {
        precondition(query.count == dimension, "query has \(query.count) values, index has dimension \(dimension)")
        guard k > 0 else { return [] }
        let q = metric == .cosine ? Self.normalized(query) : query
        var scored = [(id: Int, score: Float)]()
        scored.reserveCapacity(ids.count)
        data.withUnsafeBufferPointer { rows in
            q.withUnsafeBufferPointer { qp in
                for (row, id) in ids.enumerated() where !deleted.contains(id) && (filter?(id) ?? true) {
                    let r = UnsafeBufferPointer(rebasing: rows[(row * dimension)..<((row + 1) * dimension)])
                    scored.append((id, metric == .l2 ? -Self.squaredDistance(r, qp) : Self.dot(r, qp)))
                }
            }
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
        return Array(scored.prefix(k))
    }

    static func normalized(_ v: [Float]) -> [Float] { VectorDistance.normalized(v) }

    /// Σ a·b (the SIMD kernel of `VectorDistance`; tests hold it equal to the plain loop within rounding).
    static func dot(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return 0 }
        return VectorDistance.dot(pa, pb, count: min(a.count, b.count))
    }

    /// Σ (a − b)².
    static func squaredDistance(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return 0 }
        return VectorDistance.squaredDistance(pa, pb, count: min(a.count, b.count))
    }
}
