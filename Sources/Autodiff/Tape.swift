import Compute

/// Reverse-mode automatic differentiation: ops run their forward kernel at once and record a
/// backward closure; `backward(from:)` runs the closures in reverse order, each adding its
/// contribution to its inputs' gradients (gradients accumulate, so a tensor used twice — the
/// residual stream — receives both).
///
/// Memory: activations and their gradients come from an arena of buffers that `reset()` recycles,
/// so a training loop that builds the same graph every step allocates nothing after the first.
public final class Tape {
    /// Threads for the kernels.
    public let pool: ThreadPool
    /// When false, ops compute values only (evaluation): nothing is recorded and no activation
    /// requires a gradient.
    public var isRecording = true
    private var entries: [() -> Void] = []
    private var arena = BufferArena()
    private var activations: [Tensor] = []
    private var scratchBuffer: FloatBuffer?

    public init(pool: ThreadPool = .shared) { self.pool = pool }

    /// A new activation of `shape`; it requires a gradient when any of `inputs` does and the tape
    /// records. `zeroed`: whether the forward kernel needs zeros to start from.
    public func tensor(_ shape: [Int], from inputs: [Tensor], zeroed: Bool = false) -> Tensor {
        let count = shape.reduce(1, *)
        let needsGrad = isRecording && inputs.contains { $0.requiresGrad }
        let t = Tensor(shape: shape, value: arena.take(count, zeroed: zeroed), requiresGrad: needsGrad,
                       makeGradient: { [unowned self] n in self.arena.take(n, zeroed: true) })
        activations.append(t)
        return t
    }

    /// Records `backward` to run when the gradient flows back through `output`.
    public func record(_ output: Tensor, _ backward: @escaping () -> Void) {
        if isRecording && output.requiresGrad { entries.append(backward) }
    }

    /// A scratch buffer of at least `count` floats, shared by ops that run one after another
    /// (not valid across ops; contents undefined).
    public func scratch(_ count: Int) -> UnsafeMutablePointer<Float> {
        if let s = scratchBuffer, s.count >= count { return s.pointer }
        scratchBuffer = FloatBuffer(count: count, zeroed: false)
        return scratchBuffer!.pointer
    }

    /// Seeds dLoss/dLoss = `seed` on the scalar `loss` and runs every recorded backward, newest first.
    public func backward(from loss: Tensor, seed: Float = 1) {
        precondition(loss.count == 1, "backward starts from a scalar, got shape \(loss.shape)")
        backward(from: loss, outputGradient: [seed])
    }

    /// Backward from any `output` whose gradient is given (vector–Jacobian product):
    /// every input receives Jᵀ · outputGradient.
    public func backward(from output: Tensor, outputGradient: [Float]) {
        precondition(outputGradient.count == output.count, "gradient of \(outputGradient.count) for shape \(output.shape)")
        guard output.requiresGrad else { return }
        let g = output.grad
        for i in 0..<output.count { g[i] += outputGradient[i] }
        for entry in entries.reversed() { entry() }
        entries.removeAll(keepingCapacity: true)
    }

    /// Forgets the recorded graph and recycles every activation buffer (activations made before
    /// are invalid afterwards). Parameters' gradients are untouched.
    public func reset() {
        entries.removeAll(keepingCapacity: true)
        for t in activations { t.dropGradient() }
        activations.removeAll(keepingCapacity: true)
        arena.recycle()
    }
}

/// Buffers by size, handed out during a step and all returned at its end.
struct BufferArena {
    private var free: [Int: [FloatBuffer]] = [:]
    private var lent: [FloatBuffer] = []

    mutating func take(_ count: Int, zeroed: Bool) -> FloatBuffer {
        let b: FloatBuffer
        if var list = free[count], let last = list.popLast() {
            free[count] = list
            b = last
            if zeroed { b.pointer.update(repeating: 0, count: count) }
        } else {
            b = FloatBuffer(count: count, zeroed: zeroed)
        }
        lent.append(b)
        return b
    }

    mutating func recycle() {
        for b in lent { free[b.count, default: []].append(b) }
        lent.removeAll(keepingCapacity: true)
    }
}
