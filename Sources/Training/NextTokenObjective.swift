import Architectures
import Autodiff
import Foundation
import Tokenization

/// Next-token cross-entropy (pretraining on token shards; SFT on chat rows whose non-assistant
/// targets are −100): `accumulation` micro-batches of `batch` sequences per step.
public struct NextTokenObjective: TrainingObjective {
    enum Source {
        case shards(TokenBatchLoader)
        case rows([(tokens: [Int32], targets: [Int32])], RowOrder)
    }
    var source: Source
    let batch: Int
    let accumulation: Int
    let held: [(tokens: [Int32], targets: [Int32])]

    /// Windows of token shards; `validation`: fixed held-out batches.
    public init(loader: TokenBatchLoader, accumulation: Int, validation: [(tokens: [Int32], targets: [Int32])]) {
        source = .shards(loader); batch = loader.batchSize; self.accumulation = accumulation; held = validation
    }

    /// In-memory rows (SFT), shuffled per epoch from `seed`.
    public init(rows: [(tokens: [Int32], targets: [Int32])], batch: Int, accumulation: Int, seed: UInt64,
                validation: [(tokens: [Int32], targets: [Int32])]) {
        source = .rows(rows, RowOrder(count: rows.count, seed: seed))
        self.batch = batch; self.accumulation = accumulation
        // Held-out rows grouped into whole batches (a remainder is dropped).
        held = stride(from: 0, to: validation.count - batch + 1, by: batch).map { i in
            (validation[i..<i + batch].flatMap(\.tokens), validation[i..<i + batch].flatMap(\.targets))
        }
    }

    mutating func nextBatch() throws -> (tokens: [Int32], targets: [Int32]) {
        switch source {
        case .shards(var loader):
            defer { source = .shards(loader) }
            guard let b = loader.next() else { throw TrainingError.badData(path: "shards", reason: "the loader ran dry") }
            return (b.inputs, b.targets)
        case .rows(let rows, var order):
            defer { source = .rows(rows, order) }
            let picked = order.next(batch)
            return (picked.flatMap { rows[$0].tokens }, picked.flatMap { rows[$0].targets })
        }
    }

    public mutating func accumulateGradients(graph: DecoderGraph, tape: Tape) throws -> (loss: Float, count: Int) {
        var total: Float = 0, counted = 0
        for _ in 0..<accumulation {
            let b = try nextBatch()
            let loss = graph.loss(tape, tokens: b.tokens, targets: b.targets, batch: batch)
            total += loss.values[0]
            counted += b.targets.reduce(0) { $0 + ($1 == -100 ? 0 : 1) }
            tape.backward(from: loss, seed: 1 / Float(accumulation))
            tape.reset()
        }
        return (total / Float(accumulation), counted)
    }

    public func validation(graph: DecoderGraph, tape: Tape) -> (loss: Float, extras: [String: Float])? {
        guard !held.isEmpty else { return nil }
        let recording = tape.isRecording
        tape.isRecording = false
        defer { tape.isRecording = recording }
        var total = 0.0
        for b in held {
            total += Double(graph.loss(tape, tokens: b.tokens, targets: b.targets, batch: batch).values[0])
            tape.reset()
        }
        return (Float(total / Double(held.count)), [:])
    }

    public func cursor() throws -> Data {
        switch source {
        case .shards(let loader): return try JSONEncoder().encode(loader.cursor)
        case .rows(_, let order): return try JSONEncoder().encode(order.cursor)
        }
    }

    public mutating func restore(cursor data: Data) throws {
        switch source {
        case .shards(var loader):
            try loader.restore(JSONDecoder().decode(TokenBatchLoader.Cursor.self, from: data))
            source = .shards(loader)
        case .rows(let rows, var order):
            try order.restore(JSONDecoder().decode(RowOrder.Cursor.self, from: data))
            source = .rows(rows, order)
        }
    }
}
