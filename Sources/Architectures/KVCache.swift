import Compute

/// Storage of keys and values as a forward pass sees it: per layer, rows of `width` floats in
/// pages of `pageSize` positions. A sequence's page table maps its positions to pages.
protocol KVStorage: AnyObject {
    var layerCount: Int { get }
    var width: Int { get }
    var pageSize: Int { get }
    /// Keys of `layer`: (pages × pageSize, width).
    func keys(_ layer: Int) -> UnsafeMutablePointer<Float>
    /// Values of `layer`: (pages × pageSize, width).
    func values(_ layer: Int) -> UnsafeMutablePointer<Float>
}

/// Keys and values of one sequence for every layer, f32, contiguous by position.
///
/// Layout per layer: (positions, kvHeads × headDim). Storage grows by doubling up to
/// `maxPositions`, so memory follows the tokens actually held, not the model's context length.
/// To a forward pass it is a single page as long as its capacity.
public final class KVCache: KVStorage, @unchecked Sendable {
    public let layerCount: Int
    /// Floats per position per layer (kvHeads × headDim).
    public let width: Int
    /// Positions this cache may ever hold (the context size).
    public let maxPositions: Int
    /// Positions currently held (the next token's position).
    public internal(set) var count = 0
    public private(set) var capacity = 0
    private(set) var keys: [FloatBuffer] = []
    private(set) var values: [FloatBuffer] = []

    public init(layerCount: Int, width: Int, maxPositions: Int) {
        self.layerCount = layerCount; self.width = width; self.maxPositions = maxPositions
    }

    /// Bytes allocated for keys and values.
    public var allocatedBytes: Int { 2 * layerCount * capacity * width * 4 }

    var pageSize: Int { max(capacity, 1) }

    /// Makes room for `positions` positions in total (≤ maxPositions).
    func reserve(_ positions: Int) {
        precondition(positions <= maxPositions)
        guard positions > capacity else { return }
        let newCapacity = min(maxPositions, max(positions, capacity * 2, 64))
        keys = grow(keys, to: newCapacity)
        values = grow(values, to: newCapacity)
        capacity = newCapacity
    }

    private func grow(_ old: [FloatBuffer], to newCapacity: Int) -> [FloatBuffer] {
        (0..<layerCount).map { l in
            let b = FloatBuffer(count: newCapacity * width, zeroed: false)
            if l < old.count { b.pointer.update(from: old[l].pointer, count: count * width) }
            return b
        }
    }

    /// Forgets every position from `positions` on (to rewind or reuse a shared prefix).
    public func truncate(to positions: Int) {
        count = min(count, max(0, positions))
    }

    func keys(_ layer: Int) -> UnsafeMutablePointer<Float> { keys[layer].pointer }
    func values(_ layer: Int) -> UnsafeMutablePointer<Float> { values[layer].pointer }
}

/// Keys and values of many sequences in fixed-size pages (vLLM's paged attention layout): one
/// allocation up front, pages handed out and taken back by the caller (the engine's allocator),
/// so sequences grow without copying and share the pages of a common prompt prefix.
///
/// Layout per layer: (pageCount × pageSize, width) f32 rows for keys and the same for values.
public final class PagedKVCache: KVStorage, @unchecked Sendable {
    public let layerCount: Int
    public let width: Int
    public let pageSize: Int
    public let pageCount: Int
    private let keyPages: [FloatBuffer]
    private let valuePages: [FloatBuffer]

    public init(layerCount: Int, width: Int, pageSize: Int, pageCount: Int) {
        precondition(pageSize > 0 && pageCount > 0)
        self.layerCount = layerCount; self.width = width; self.pageSize = pageSize; self.pageCount = pageCount
        keyPages = (0..<layerCount).map { _ in FloatBuffer(count: pageCount * pageSize * width, zeroed: false) }
        valuePages = (0..<layerCount).map { _ in FloatBuffer(count: pageCount * pageSize * width, zeroed: false) }
    }

    /// Bytes of one page across all layers, keys and values.
    public static func pageBytes(layerCount: Int, width: Int, pageSize: Int) -> Int { 2 * layerCount * pageSize * width * 4 }
    public var allocatedBytes: Int { pageCount * Self.pageBytes(layerCount: layerCount, width: width, pageSize: pageSize) }

    func keys(_ layer: Int) -> UnsafeMutablePointer<Float> { keyPages[layer].pointer }
    func values(_ layer: Int) -> UnsafeMutablePointer<Float> { valuePages[layer].pointer }

    /// Copies the keys and values of `positions` rows of `source` into `destination` (pages),
    /// every layer: copy-on-write of a partly shared page.
    public func copyPage(_ source: Int, to destination: Int, positions: Int) {
        let n = min(positions, pageSize) * width
        for l in 0..<layerCount {
            (keys(l) + destination * pageSize * width).update(from: keys(l) + source * pageSize * width, count: n)
            (values(l) + destination * pageSize * width).update(from: values(l) + source * pageSize * width, count: n)
        }
    }
}

extension PagedKVCache {
    /// Writes every page once, so the cache's memory is resident from the start and the
    /// process's footprint does not creep up as requests arrive.
    public func touchAll() {
        for l in 0..<layerCount {
            keys(l).initialize(repeating: 0, count: pageCount * pageSize * width)
            values(l).initialize(repeating: 0, count: pageCount * pageSize * width)
        }
    }
}
