import Compute
#if canImport(Glibc)
import Glibc
#endif

extension Tape {
    /// Mean softmax cross-entropy of `logits` rows against `targets` (PyTorch `cross_entropy`):
    /// rows whose target is `ignoreIndex` take no part (SFT masks prompt tokens with −100).
    /// logits: (rows, classes), targets: (rows) → a scalar. With every row ignored the loss is 0.
    public func crossEntropy(_ logits: Tensor, targets: [Int32], ignoreIndex: Int32 = -100) -> Tensor {
        let rows = logits.rows, classes = logits.width
        precondition(targets.count == rows, "crossEntropy: \(targets.count) targets for \(rows) rows")
        precondition(targets.allSatisfy { $0 == ignoreIndex || ($0 >= 0 && Int($0) < classes) },
                     "crossEntropy: target outside 0..<\(classes)")
        let loss = tensor([1], from: [logits])
        let stats = tensor([rows, 2], from: [])  // per row: log Σ e^l, the row's loss
        let lp = logits.value.pointer, sp = stats.value.pointer
        targets.withUnsafeBufferPointer { tp in
            Rows.forEach(rows, pool: pool) { range in
                for r in range where tp[r] != ignoreIndex {
                    let row = lp + r * classes
                    let lse = LossKernels.logSumExp(row, classes)
                    sp[2 * r] = lse
                    sp[2 * r + 1] = lse - row[Int(tp[r])]
                }
            }
        }
        // Sum in row order in double: the same bits for any thread count.
        var total = 0.0, counted = 0
        for r in 0..<rows where targets[r] != ignoreIndex { total += Double(sp[2 * r + 1]); counted += 1 }
        loss.value[0] = counted == 0 ? 0 : Float(total / Double(counted))
        record(loss) { [unowned self] in
            guard logits.requiresGrad, counted > 0 else { return }
            let scale = loss.grad[0] / Float(counted), dl = logits.grad
            targets.withUnsafeBufferPointer { tp in
                Rows.forEach(rows, pool: pool) { range in
                    for r in range where tp[r] != ignoreIndex {
                        LossKernels.softmaxMinusOneHot(lp + r * classes, logSumExp: sp[2 * r], target: Int(tp[r]),
                                                       scale: scale, into: dl + r * classes, classes)
                    }
                }
            }
        }
        return loss
    }
}

/// Row kernels of softmax cross-entropy.
public enum LossKernels {
    /// log Σ e^x over `n` values, stable (max subtracted).
    public static func logSumExp(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var mv = SIMD16<Float>(repeating: -.infinity)
        var i = 0
        while i + 16 <= n { let v = Kernels.load(x + i); mv = mv.replacing(with: v, where: v .> mv); i += 16 }
        var m = mv.max()
        while i < n { m = max(m, x[i]); i += 1 }
        let msv = SIMD16<Float>(repeating: m)
        var sv = SIMD16<Float>()
        i = 0
        while i + 16 <= n { sv += Kernels.exp(Kernels.load(x + i) - msv); i += 16 }
        var s = sv.sum()
        while i < n { s += expf(x[i] - m); i += 1 }
        return m + logf(s)
    }

    /// out[j] += scale · (e^(x[j] − lse) − [j == target]).
    public static func softmaxMinusOneHot(_ x: UnsafePointer<Float>, logSumExp lse: Float, target: Int, scale: Float,
                                          into out: UnsafeMutablePointer<Float>, _ n: Int) {
        let lv = SIMD16<Float>(repeating: lse), sv = SIMD16<Float>(repeating: scale)
        var i = 0
        while i + 16 <= n {
            Kernels.store(Kernels.load(out + i) + sv * Kernels.exp(Kernels.load(x + i) - lv), out + i)
            i += 16
        }
        while i < n { out[i] += scale * expf(x[i] - lse); i += 1 }
        out[target] -= scale
    }
}
