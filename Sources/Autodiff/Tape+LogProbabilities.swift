import Compute

extension Tape {
    /// Σ over each sequence's counted positions of log softmax(logits)[target]: the sequence
    /// log-likelihoods that DPO compares. logits: (batch·T, classes), targets: (batch·T) with −100
    /// for positions not counted → (batch).
    public func sequenceLogProbabilities(_ logits: Tensor, targets: [Int32], batch: Int, ignoreIndex: Int32 = -100) -> Tensor {
        let rows = logits.rows, classes = logits.width, t = rows / batch
        precondition(targets.count == rows && t * batch == rows, "sequenceLogProbabilities: \(targets.count) targets, \(rows) rows")
        let out = tensor([batch], from: [logits])
        let lse = tensor([rows], from: [])
        let lp = logits.value.pointer, sp = lse.value.pointer
        targets.withUnsafeBufferPointer { tp in
            Rows.forEach(rows, pool: pool) { range in
                for r in range where tp[r] != ignoreIndex { sp[r] = LossKernels.logSumExp(lp + r * classes, classes) }
            }
        }
        for b in 0..<batch {
            var s = 0.0
            for r in b * t ..< (b + 1) * t where targets[r] != ignoreIndex {
                s += Double(lp[r * classes + Int(targets[r])] - sp[r])
            }
            out.value[b] = Float(s)
        }
        record(out) { [unowned self] in
            guard logits.requiresGrad else { return }
            let dOut = out.grad, dl = logits.grad
            // d/dl of log p(target) = onehot − softmax: the cross-entropy kernel with scale −g.
            targets.withUnsafeBufferPointer { tp in
                Rows.forEach(rows, pool: pool) { range in
                    for r in range where tp[r] != ignoreIndex {
                        LossKernels.softmaxMinusOneHot(lp + r * classes, logSumExp: sp[r], target: Int(tp[r]),
                                                       scale: -dOut[r / t], into: dl + r * classes, classes)
                    }
                }
            }
        }
        return out
    }

    /// DPO's loss (Rafailov et al. 2023) over pairs: mean of −log σ(β·((π_c − π_r) − (ref_c − ref_r))),
    /// policy: (2·pairs) log-likelihoods, chosen then rejected per pair (rows 2i, 2i + 1);
    /// reference: the frozen model's, same layout. → a scalar.
    public func dpoLoss(policy: Tensor, reference: [Float], beta: Float) -> Tensor {
        let pairs = policy.count / 2
        precondition(policy.count == 2 * pairs && reference.count == policy.count, "dpoLoss: \(policy.count) log-likelihoods")
        let loss = tensor([1], from: [policy])
        var total = 0.0
        var sigmoids = [Float](repeating: 0, count: pairs)
        for i in 0..<pairs {
            let z = beta * ((policy.value[2 * i] - policy.value[2 * i + 1]) - (reference[2 * i] - reference[2 * i + 1]))
            total += Double(LossKernels.negativeLogSigmoid(z))
            sigmoids[i] = 1 / (1 + expf(-z))
        }
        loss.value[0] = Float(total / Double(pairs))
        record(loss) {
            guard policy.requiresGrad else { return }
            let g = loss.grad[0] / Float(pairs), dp = policy.grad
            for i in 0..<pairs {  // d/dz of −log σ(z) = σ(z) − 1
                let dz = g * (sigmoids[i] - 1) * beta
                dp[2 * i] += dz
                dp[2 * i + 1] -= dz
            }
        }
        return loss
    }
}

extension LossKernels {
    /// −log σ(z) = softplus(−z), without overflow for large |z| (DPO's per-pair loss).
    public static func negativeLogSigmoid(_ z: Float) -> Float {
        z > 0 ? log1pf(expf(-z)) : -z + log1pf(expf(z))
    }
}

#if canImport(Glibc)
import Glibc
#endif
