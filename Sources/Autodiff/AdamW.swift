import Compute
#if canImport(Glibc)
import Glibc
#endif

/// AdamW as PyTorch's `torch.optim.AdamW` computes it (decoupled weight decay, bias-corrected
/// moments), on fp32 master weights:
///   p ← p·(1 − lr·λ);  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²
///   p ← p − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)
public final class AdamW {
    public struct Hyperparameters: Codable, Sendable, Equatable {
        public var beta1: Float = 0.9
        /// 0.95 for language models (nanoGPT, GPT-3), not PyTorch's 0.999 default.
        public var beta2: Float = 0.95
        public var epsilon: Float = 1e-8
        /// λ of the tensors that decay (nanoGPT: 0.1).
        public var weightDecay: Float = 0.1
        public init(beta1: Float = 0.9, beta2: Float = 0.95, epsilon: Float = 1e-8, weightDecay: Float = 0.1) {
            self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay
        }
    }

    public let hyperparameters: Hyperparameters
    /// Steps taken (t of the bias correction).
    public var step: Int = 0
    /// First and second moments, one pair per parameter in `ParameterSet` order (trainable ones).
    public private(set) var moments: [(m: FloatBuffer, v: FloatBuffer)]
    private let parameters: [ParameterSet.Entry]

    public init(_ parameters: ParameterSet, _ hyperparameters: Hyperparameters = .init()) {
        self.parameters = parameters.trainable
        self.hyperparameters = hyperparameters
        moments = self.parameters.map { (FloatBuffer(count: $0.tensor.count), FloatBuffer(count: $0.tensor.count)) }
    }

    /// One update with learning rate `lr` from the parameters' current gradients.
    public func update(lr: Float, pool: ThreadPool = .shared) {
        step += 1
        let h = hyperparameters
        let bc1 = 1 - powf(h.beta1, Float(step)), bc2 = 1 - powf(h.beta2, Float(step))
        let stepSize = lr / bc1, bc2Root = bc2.squareRoot()
        for (i, e) in parameters.enumerated() {
            let p = e.tensor.value.pointer, g = e.tensor.grad, m = moments[i].m.pointer, v = moments[i].v.pointer
            let decay = e.decays ? 1 - lr * h.weightDecay : 1
            Elementwise.forEach(e.tensor.count, pool: pool) { lo, len in
                for j in lo..<lo + len {
                    p[j] *= decay
                    m[j] = h.beta1 * m[j] + (1 - h.beta1) * g[j]
                    v[j] = h.beta2 * v[j] + (1 - h.beta2) * g[j] * g[j]
                    p[j] -= stepSize * m[j] / (v[j].squareRoot() / bc2Root + h.epsilon)
                }
            }
        }
    }
}

