import Tokenization

/// Batches of next-token-prediction windows from a token stream (one split of a shard
/// directory), deterministic from a seed and resumable exactly from a saved `Cursor`.
///
/// Windows: the stream of N ids is cut into W = (N − 1) / T disjoint windows of T + 1 ids,
/// window w = ids [w·T, w·T + T] (consecutive windows share one id: the last target of w is
/// the first input of w + 1). Inputs are a window's first T ids, targets its last T — the
/// inputs shifted by one. Windows ignore document and shard boundaries (the end-of-document
/// token marks documents); the last (N − 1) mod T ids are never an input.
///
/// Order:
/// - `.shuffled(seed:)`: epoch e visits every window exactly once, in the order of
///   `WindowPermutation(count: W, seed: seed, epoch: e)`; epochs follow each other without a
///   gap, and a batch that reaches the end of an epoch continues into the next, so no window
///   is dropped or repeated. Endless.
/// - `.sequential`: windows 0, 1, …, W − 1 once, for evaluation; the last batch may have fewer
///   rows, then `next()` returns nil.
///
/// The cursor counts windows, not batches, so a run resumed with another batch size still
/// continues the same window sequence.
public struct TokenBatchLoader: Sendable {
    /// The order windows are visited in.
    public enum Order: Sendable, Equatable {
        /// A fresh permutation of all windows per epoch, from `seed`.
        case shuffled(seed: UInt64)
        /// Stream order, one pass.
        case sequential
    }

    /// One batch. `inputs` and `targets`: (rows, sequenceLength), row-major.
    public struct Batch: Sendable, Equatable {
        /// Windows in the batch: `batchSize`, or fewer at the end of a sequential pass.
        public var rows: Int
        /// T.
        public var sequenceLength: Int
        /// (rows, T) token ids.
        public var inputs: [Int32]
        /// (rows, T): `targets[r, t]` is the id after `inputs[r, t]`.
        public var targets: [Int32]
    }

    /// The token stream.
    public let tokens: TokenShardSet
    /// Windows per batch (B).
    public let batchSize: Int
    /// Inputs per window (T).
    public let sequenceLength: Int
    /// Shuffled or sequential.
    public let order: Order
    /// Windows in the stream (W), each visited once per epoch.
    public let windowCount: Int
    /// Where the next batch starts. Save it with a checkpoint; `restore` it to resume.
    public private(set) var cursor: Cursor
    /// The current epoch's permutation (shuffled order only).
    private var permutation: WindowPermutation?

    /// A loader at the start of epoch 0.
    public init(tokens: TokenShardSet, batchSize: Int, sequenceLength: Int, order: Order) throws(TokenBatchLoaderError) {
        guard batchSize > 0 else { throw .invalidConfiguration(field: "batch size", reason: "must be positive, got \(batchSize)") }
        guard sequenceLength > 0 else {
            throw .invalidConfiguration(field: "sequence length", reason: "must be positive, got \(sequenceLength)")
        }
        guard tokens.tokenCount >= sequenceLength + 1 else {
            throw .tooFewTokens(tokens: tokens.tokenCount, needed: sequenceLength + 1)
        }
        self.tokens = tokens
        self.batchSize = batchSize
        self.sequenceLength = sequenceLength
        self.order = order
        windowCount = (tokens.tokenCount - 1) / sequenceLength
        cursor = Cursor(epoch: 0, position: 0, seed: order.seed, windowCount: windowCount)
        permutation = Self.permutation(order, windowCount, epoch: 0)
    }

    /// The window visited at `position` of `epoch` (what the permutation says; no state).
    public func window(epoch: Int, position: Int) -> Int {
        precondition(position >= 0 && position < windowCount, "position \(position) outside 0..<\(windowCount)")
        if epoch == cursor.epoch, let p = permutation { return p[position] }
        return Self.permutation(order, windowCount, epoch: epoch)?[position] ?? position
    }

    /// The next batch, or nil after the last window of a sequential pass.
    public mutating func next() -> Batch? {
        var inputs = [Int32](repeating: 0, count: batchSize * sequenceLength)
        var targets = inputs
        let rows = inputs.withUnsafeMutableBufferPointer { i in
            targets.withUnsafeMutableBufferPointer { t in next(inputs: i, targets: t) }
        }
        if rows == 0 { return nil }
        if rows < batchSize {
            inputs.removeLast((batchSize - rows) * sequenceLength)
            targets.removeLast((batchSize - rows) * sequenceLength)
        }
        return Batch(rows: rows, sequenceLength: sequenceLength, inputs: inputs, targets: targets)
    }

    /// Fills the caller's buffers with the next batch and returns its rows (0 after a
    /// sequential pass). inputs, targets: at least (batchSize, T); rows past the count are untouched.
    public mutating func next(inputs: UnsafeMutableBufferPointer<Int32>, targets: UnsafeMutableBufferPointer<Int32>) -> Int {
        let t = sequenceLength
        precondition(inputs.count >= batchSize * t && targets.count >= batchSize * t,
                     "buffers need \(batchSize) × \(t) ids")
        var rows = 0
        while rows < batchSize && cursor.position < windowCount {
            let start = window(epoch: cursor.epoch, position: cursor.position) * t
            // window: ids [start, start + T]; inputs its first T, targets its last T.
            tokens.copyTokens(from: start, into: UnsafeMutableBufferPointer(rebasing: inputs[rows * t..<(rows + 1) * t]))
            tokens.copyTokens(from: start + 1, into: UnsafeMutableBufferPointer(rebasing: targets[rows * t..<(rows + 1) * t]))
            rows += 1
            cursor.position += 1
            if cursor.position == windowCount, order != .sequential { startEpoch(cursor.epoch + 1) }
        }
        return rows
    }

    /// Continues from a cursor saved by a loader over the same stream with the same order, so
    /// that the batches that follow are exactly those the saved loader would have yielded.
    public mutating func restore(_ saved: Cursor) throws(TokenBatchLoaderError) {
        func describe(_ seed: UInt64?) -> String { seed.map { "seed \($0)" } ?? "sequential" }
        guard saved.seed == order.seed else {
            throw .cursorMismatch(field: "order", cursor: describe(saved.seed), loader: describe(order.seed))
        }
        guard saved.windowCount == windowCount else {
            throw .cursorMismatch(field: "window count", cursor: "\(saved.windowCount)", loader: "\(windowCount)")
        }
        guard saved.epoch >= 0 && (order != .sequential || saved.epoch == 0) else {
            throw .cursorOutOfRange(field: "epoch", value: saved.epoch, reason: "is not a valid epoch for this order")
        }
        guard saved.position >= 0 && saved.position <= windowCount else {
            throw .cursorOutOfRange(field: "position", value: saved.position, reason: "is outside 0...\(windowCount)")
        }
        startEpoch(saved.epoch)
        cursor.position = saved.position
        if cursor.position == windowCount, order != .sequential { startEpoch(cursor.epoch + 1) }
    }

    private mutating func startEpoch(_ epoch: Int) {
        cursor.epoch = epoch
        cursor.position = 0
        permutation = Self.permutation(order, windowCount, epoch: epoch)
    }

    private static func permutation(_ order: Order, _ count: Int, epoch: Int) -> WindowPermutation? {
        guard case .shuffled(let seed) = order else { return nil }
        return WindowPermutation(count: count, seed: seed, epoch: epoch)
    }
}

extension TokenBatchLoader.Order {
    /// The seed of a shuffled order; nil for sequential.
    var seed: UInt64? {
        if case .shuffled(let s) = self { return s }
        return nil
    }
}
