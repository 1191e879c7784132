import Architectures
import Autodiff
import Foundation

/// Direct preference optimization (Rafailov et al. 2023): per pair, the policy's log-likelihoods
/// of the chosen and rejected responses (assistant tokens only) against a frozen reference's,
/// loss −log σ(β·((π_c − π_r) − (ref_c − ref_r))). The reference is the model as the run starts
/// (before any step; with LoRA, the base): its log-likelihoods are computed once, up front.
public struct PreferenceObjective: TrainingObjective {
    /// Rows of one sequence each: chosen at 2i, rejected at 2i + 1.
    let rows: [(tokens: [Int32], targets: [Int32])]
    let reference: [Float]
    let heldRows: [(tokens: [Int32], targets: [Int32])]
    let heldReference: [Float]
    var order: RowOrder
    /// Pairs per micro-batch.
    let pairs: Int
    let accumulation: Int
    let beta: Float

    public init(train: [ChatDataset.PreferencePair], held: [ChatDataset.PreferencePair], context t: Int, padToken: Int32,
                pairs: Int, accumulation: Int, beta: Float, seed: UInt64, graph: DecoderGraph, tape: Tape) {
        func rows(_ list: [ChatDataset.PreferencePair]) -> [(tokens: [Int32], targets: [Int32])] {
            list.flatMap { p in
                SupervisedBatches.rows([p.chosen], context: t, packed: false, padToken: padToken)
                    + SupervisedBatches.rows([p.rejected], context: t, packed: false, padToken: padToken)
            }
        }
        self.rows = rows(train)
        heldRows = rows(held)
        self.pairs = pairs; self.accumulation = accumulation; self.beta = beta
        order = RowOrder(count: train.count, seed: seed)
        reference = Self.logLikelihoods(self.rows, graph: graph, tape: tape, batch: 2 * pairs)
        heldReference = Self.logLikelihoods(heldRows, graph: graph, tape: tape, batch: 2 * pairs)
    }

    /// Σ log p(target) per row, without gradients, `batch` rows at a time (the last batch padded
    /// with copies of the first row, whose results are dropped).
    static func logLikelihoods(_ rows: [(tokens: [Int32], targets: [Int32])], graph: DecoderGraph, tape: Tape, batch: Int) -> [Float] {
        guard !rows.isEmpty else { return [] }
        let recording = tape.isRecording
        tape.isRecording = false
        defer { tape.isRecording = recording }
        var out: [Float] = []
        for start in stride(from: 0, to: rows.count, by: batch) {
            let group = (start..<start + batch).map { rows[min($0, rows.count - 1)] }
            let logits = graph.logits(tape, tokens: group.flatMap(\.tokens), batch: batch)
            let values = tape.sequenceLogProbabilities(logits, targets: group.flatMap(\.targets), batch: batch).values
            out += values.prefix(min(batch, rows.count - start))
            tape.reset()
        }
        return out
    }

    public mutating func accumulateGradients(graph: DecoderGraph, tape: Tape) throws -> (loss: Float, count: Int) {
        var total: Float = 0
        for _ in 0..<accumulation {
            let picked = order.next(pairs)
            let group = picked.flatMap { [rows[2 * $0], rows[2 * $0 + 1]] }
            let ref = picked.flatMap { [reference[2 * $0], reference[2 * $0 + 1]] }
            let logits = graph.logits(tape, tokens: group.flatMap(\.tokens), batch: 2 * pairs)
            let policy = tape.sequenceLogProbabilities(logits, targets: group.flatMap(\.targets), batch: 2 * pairs)
            let loss = tape.dpoLoss(policy: policy, reference: ref, beta: beta)
            total += loss.values[0]
            tape.backward(from: loss, seed: 1 / Float(accumulation))
            tape.reset()
        }
        return (total / Float(accumulation), pairs * accumulation)
    }

    /// Held-out DPO loss, the mean chosen-minus-rejected log-likelihood margin of the policy, and
    /// the share of pairs whose implicit reward prefers the chosen response.
    public func validation(graph: DecoderGraph, tape: Tape) -> (loss: Float, extras: [String: Float])? {
        guard !heldRows.isEmpty else { return nil }
        let policy = Self.logLikelihoods(heldRows, graph: graph, tape: tape, batch: 2 * pairs)
        var loss = 0.0, margin = 0.0, wins = 0
        let n = heldRows.count / 2
        for i in 0..<n {
            let m = policy[2 * i] - policy[2 * i + 1]
            let z = beta * (m - (heldReference[2 * i] - heldReference[2 * i + 1]))
            loss += Double(LossKernels.negativeLogSigmoid(z))
            margin += Double(m)
            if z > 0 { wins += 1 }
        }
        return (Float(loss / Double(n)), ["margin": Float(margin / Double(n)), "accuracy": Float(wins) / Float(n)])
    }

    public func cursor() throws -> Data { try JSONEncoder().encode(order.cursor) }
    public mutating func restore(cursor data: Data) throws { try order.restore(JSONDecoder().decode(RowOrder.Cursor.self, from: data)) }
}
