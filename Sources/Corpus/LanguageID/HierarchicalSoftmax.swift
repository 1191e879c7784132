#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// fastText's hierarchical softmax over labels: a Huffman tree built from the label counts
/// (`HierarchicalSoftmaxLoss::buildTree`). Leaves are labels `0..<n`, internal node `n + j`
/// uses output row `j`; the root is node `2n − 2`. At node `v` the probability of going right
/// is `σ(row(v − n) · hidden)`.
struct HierarchicalSoftmax: Sendable {
    let leafCount: Int
    let left: [Int32]
    let right: [Int32]

    /// Pairs the two smallest remaining counts bottom-up, exactly as fastText does: labels are
    /// sorted by decreasing count in the file, so the leaf cursor walks from the end; internal
    /// nodes start at count 1e15 so that unfilled ones are never picked.
    init(counts: [Int64]) {
        let n = counts.count
        leafCount = n
        let total = max(0, 2 * n - 1)
        var count = [Int64](repeating: 1_000_000_000_000_000, count: total)
        var left = [Int32](repeating: -1, count: total), right = left
        for i in 0..<n { count[i] = counts[i] }
        var leaf = n - 1, node = n
        for i in stride(from: n, to: total, by: 1) {
            var pick = [0, 0]
            for j in 0..<2 {
                if leaf >= 0 && count[leaf] < count[node] { pick[j] = leaf; leaf -= 1 } else { pick[j] = node; node += 1 }
            }
            left[i] = Int32(pick[0]); right[i] = Int32(pick[1])
            count[i] = count[pick[0]] &+ count[pick[1]]
        }
        self.left = left
        self.right = right
    }

    /// fastText's `dfs`: walks from the root, pruning branches whose log-probability is below
    /// `log(threshold + 1e-5)` or below the worst of `k` already found.
    func predict(hidden: UnsafeBufferPointer<Float>, output: FastTextOutputMatrix, k: Int,
                 threshold: Float) -> [(score: Float, label: Int32)] {
        guard leafCount > 0 else { return [] }
        var top = TopLabels(k: k, labelCount: leafCount)
        dfs(node: 2 * leafCount - 2, score: 0, floor: fastTextLog(threshold), &top, hidden, output)
        return top.best()
    }

    private func dfs(node: Int, score: Float, floor: Float, _ top: inout TopLabels,
                     _ hidden: UnsafeBufferPointer<Float>, _ output: FastTextOutputMatrix) {
        if score < floor { return }
        if top.isFull && score < top.worst { return }
        if left[node] == -1 && right[node] == -1 {
            top.insert(score, Int32(node))
            return
        }
        var f = output.dotRow(node - leafCount, hidden)
        f = Float(1.0 / Double(1 + expf(-f)))
        dfs(node: Int(left[node]), score: score + fastTextLog(Float(1.0 - Double(f))), floor: floor, &top, hidden, output)
        dfs(node: Int(right[node]), score: score + fastTextLog(f), floor: floor, &top, hidden, output)
    }
}
