import Architectures
import Autodiff
import Foundation

/// What a run optimizes and on which data: next-token prediction (pretraining, SFT, LoRA) or a
/// preference loss (DPO). The run loop (`TrainingRun`) owns the optimizer, schedule, metrics and
/// checkpoints; the objective owns the data order and the loss.
public protocol TrainingObjective {
    /// Forward and backward over one optimizer step's data (gradients add up in the graph's
    /// parameters); returns the step's mean loss and the tokens (or pairs) that counted.
    mutating func accumulateGradients(graph: DecoderGraph, tape: Tape) throws -> (loss: Float, count: Int)
    /// Held-out metrics now (nil: no held-out data): the loss, and the objective's own extras.
    func validation(graph: DecoderGraph, tape: Tape) -> (loss: Float, extras: [String: Float])?
    /// The data position after the steps so far, saved with each checkpoint.
    func cursor() throws -> Data
    /// Continues from a saved position.
    mutating func restore(cursor: Data) throws
}

/// Rows of (tokens, targets) in memory — SFT examples, DPO pairs — visited in a fresh seeded
/// permutation each epoch, resumable from (epoch, position).
public struct RowOrder: Sendable {
    public struct Cursor: Codable, Sendable, Equatable {
        public var epoch = 0
        public var position = 0
    }
    public let count: Int
    public let seed: UInt64
    public private(set) var cursor = Cursor()
    private var permutation: WindowPermutation

    public init(count: Int, seed: UInt64) {
        precondition(count > 0, "no rows to train on")
        self.count = count; self.seed = seed
        permutation = WindowPermutation(count: count, seed: seed, epoch: 0)
    }

    /// The next `n` row indices (epochs follow each other without a gap).
    public mutating func next(_ n: Int) -> [Int] {
        var out: [Int] = []
        for _ in 0..<n {
            out.append(permutation[cursor.position])
            cursor.position += 1
            if cursor.position == count {
                cursor = Cursor(epoch: cursor.epoch + 1, position: 0)
                permutation = WindowPermutation(count: count, seed: seed, epoch: cursor.epoch)
            }
        }
        return out
    }

    public mutating func restore(_ saved: Cursor) throws {
        guard saved.position >= 0 && saved.position < count && saved.epoch >= 0 else {
            throw TrainingError.badCheckpoint(path: "cursor", reason: "position \(saved.position) outside \(count) rows")
        }
        cursor = saved
        permutation = WindowPermutation(count: count, seed: seed, epoch: saved.epoch)
    }
}
