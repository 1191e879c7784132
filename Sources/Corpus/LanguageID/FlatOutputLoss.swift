#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The losses that score every label at once (fastText's `Loss::predict` + `findKBest`):
/// softmax, or one sigmoid per label (one-vs-all and negative sampling, through fastText's
/// 512-entry sigmoid table).
struct FlatOutputLoss: Sendable {
    let softmax: Bool
    private let sigmoidTable: [Float]

    init(softmax: Bool) {
        self.softmax = softmax
        // fastText: x = i·16/512 − 8 in float, σ computed in double, stored as float.
        sigmoidTable = (0...512).map { i in
            let x = Float(i * 16) / 512 - 8
            return Float(1.0 / (1.0 + Double(expf(-x))))
        }
    }

    private func sigmoid(_ x: Float) -> Float {
        if x < -8 { return 0 }
        if x > 8 { return 1 }
        return sigmoidTable[Int((x + 8) * 512 / 8 / 2)]
    }

    func predict(hidden: UnsafeBufferPointer<Float>, output: FastTextOutputMatrix, labelCount: Int, k: Int,
                 threshold: Float) -> [(score: Float, label: Int32)] {
        var scores = (0..<labelCount).map { output.dotRow($0, hidden) }
        if softmax, let first = scores.first {
            var mx = first, z: Float = 0
            for s in scores { mx = max(s, mx) }
            for i in scores.indices { scores[i] = expf(scores[i] - mx); z += scores[i] }
            for i in scores.indices { scores[i] /= z }
        } else {
            for i in scores.indices { scores[i] = sigmoid(scores[i]) }
        }
        var top = TopLabels(k: k, labelCount: labelCount)
        for (i, p) in scores.enumerated() where p >= threshold {
            let s = fastTextLog(p)
            if top.isFull && s < top.worst { continue }
            top.insert(s, Int32(i))
        }
        return top.best()
    }
}
