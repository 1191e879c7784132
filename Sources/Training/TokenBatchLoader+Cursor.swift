extension TokenBatchLoader {
    /// A loader's place in its window sequence: enough, with the same shards and order, to
    /// resume exactly. Codable, to be stored with a checkpoint:
    /// `{"epoch": 3, "position": 1200, "seed": 1337, "windowCount": 48828}`.
    public struct Cursor: Codable, Sendable, Equatable {
        /// Epochs completed (always 0 in sequential order).
        public var epoch: Int
        /// Windows of this epoch already yielded (0..<windowCount, or windowCount when a
        /// sequential pass is done).
        public var position: Int
        /// The shuffle seed; nil for sequential order. Restoring checks it.
        public var seed: UInt64?
        /// Windows per epoch of the stream it belongs to; restoring onto other data is refused.
        public var windowCount: Int

        public init(epoch: Int, position: Int, seed: UInt64?, windowCount: Int) {
            self.epoch = epoch
            self.position = position
            self.seed = seed
            self.windowCount = windowCount
        }

        /// Windows yielded since the start of epoch 0.
        public var windowsConsumed: Int { epoch * windowCount + position }
    }
}
