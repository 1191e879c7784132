#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The output matrix of a supervised fastText model, `rows × dim`: dense floats, or product-
/// quantized when the file was quantized with `-qout`.
enum FastTextOutputMatrix: Sendable {
    case dense(rows: Int, cols: Int, values: [Float])
    case quantized(QuantizedMatrix)

    var rows: Int {
        switch self {
        case .dense(let rows, _, _): return rows
        case .quantized(let q): return q.rows
        }
    }

    /// Row `i` · `hidden`, summed in fastText's order (float accumulator, no fused multiply-add).
    @inline(__always)
    func dotRow(_ i: Int, _ hidden: UnsafeBufferPointer<Float>) -> Float {
        switch self {
        case .dense(_, let cols, let values):
            var d: Float = 0
            for j in 0..<cols { d += values[i * cols + j] * hidden[j] }
            return d
        case .quantized(let q):
            return q.dotRow(i, hidden)
        }
    }
}

/// fastText's `std_log`: `log(x + 1e-5)`, the addition and log in double, the result float.
@inline(__always)
func fastTextLog(_ x: Float) -> Float { Float(log(Double(x) + 1e-5)) }

/// The best `k` (log-score, label) pairs seen so far; fastText's min-heap. When `k` covers
/// every label nothing can be pruned, so pairs are collected and sorted once at the end;
/// otherwise they are kept as a short array sorted best first.
struct TopLabels {
    let k: Int
    private let unbounded: Bool
    private var items: [(score: Float, label: Int32)] = []

    /// `labelCount`: how many labels exist (k at or above it keeps them all).
    init(k: Int, labelCount: Int) {
        self.k = k
        unbounded = k >= labelCount
        items.reserveCapacity(min(k, labelCount) + 1)
    }

    var isFull: Bool { !unbounded && items.count == k }
    /// The worst score kept (fastText's `heap.front()`); only meaningful when full.
    var worst: Float { items.last?.score ?? -.infinity }

    mutating func insert(_ score: Float, _ label: Int32) {
        if unbounded { items.append((score, label)); return }
        var at = items.count
        while at > 0 && items[at - 1].score < score { at -= 1 }
        items.insert((score, label), at: at)
        if items.count > k { items.removeLast() }
    }

    /// The pairs, best first.
    func best() -> [(score: Float, label: Int32)] {
        unbounded ? items.sorted { $0.score > $1.score } : items
    }
}
