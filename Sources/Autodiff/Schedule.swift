import Foundation

/// Learning rate per step: linear warmup from 0 to `peak` over `warmupSteps`, then cosine decay
/// to `minimum` at `totalSteps` (nanoGPT's schedule; flat at `minimum` after).
public struct LearningRateSchedule: Codable, Sendable, Equatable {
    public var peak: Float
    public var minimum: Float
    public var warmupSteps: Int
    public var totalSteps: Int

    public init(peak: Float, minimum: Float? = nil, warmupSteps: Int, totalSteps: Int) {
        self.peak = peak; self.minimum = minimum ?? peak / 10
        self.warmupSteps = warmupSteps; self.totalSteps = totalSteps
    }

    /// The rate of step `step` (0-based).
    public func rate(at step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
        if step >= totalSteps { return minimum }
        let progress = Double(step - warmupSteps) / Double(max(1, totalSteps - warmupSteps))
        let cosine = 0.5 * (1 + cos(Double.pi * progress))
        return minimum + Float(cosine) * (peak - minimum)
    }
}

/// Global-norm gradient clipping (PyTorch `clip_grad_norm_`): when ‖g‖₂ over every trainable
/// parameter exceeds `maxNorm`, all gradients are scaled by maxNorm / (‖g‖ + 1e-6).
public enum GradientClipping {
    /// Clips in place and returns the norm before clipping. Sums in double, parameter by
    /// parameter in order: the same bits for any thread count.
    @discardableResult
    public static func clip(_ parameters: ParameterSet, maxNorm: Float) -> Float {
        var total = 0.0
        for e in parameters.trainable {
            let g = e.tensor.grad
            var s = 0.0
            for i in 0..<e.tensor.count { s += Double(g[i]) * Double(g[i]) }
            total += s
        }
        let norm = Float(total.squareRoot())
        let coefficient = maxNorm / (norm + 1e-6)
        if coefficient < 1 {
            for e in parameters.trainable {
                let g = e.tensor.grad
                for i in 0..<e.tensor.count { g[i] *= coefficient }
            }
        }
        return norm
    }
}
