import Compute

/// Keys and values of one sequence for every layer, f32, contiguous by position.
///
/// Layout per layer: (positions, kvHeads × headDim). Storage grows by doubling up to
/// `maxPositions`, so memory follows the tokens actually held, not the model's context length.
public final class KVCache: @unchecked Sendable {
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

    /// Keys of `layer`: (capacity, width).
    func keys(_ layer: Int) -> UnsafeMutablePointer<Float> { keys[layer].pointer }
    /// Values of `layer`: (capacity, width).
    func values(_ layer: Int) -> UnsafeMutablePointer<Float> { values[layer].pointer }
}
