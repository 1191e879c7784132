import Compute
#if canImport(Glibc)
import Glibc
#endif

extension Tape {
    /// GELU with the tanh approximation (GPT-2; PyTorch `gelu(approximate="tanh")`), elementwise.
    public func gelu(_ x: Tensor) -> Tensor {
        let y = tensor(x.shape, from: [x])
        let xp = x.value.pointer, yp = y.value.pointer, n = x.count
        Elementwise.forEach(n, pool: pool) { lo, len in
            (yp + lo).update(from: xp + lo, count: len)
            Kernels.gelu(yp + lo, len)
        }
        record(y) { [unowned self] in
            guard x.requiresGrad else { return }
            let dy = y.grad, dx = x.grad
            Elementwise.forEach(n, pool: pool) { lo, len in
                ActivationBackward.gelu(x: xp + lo, dy: dy + lo, dx: dx + lo, len)
            }
        }
        return y
    }

    /// silu(gate) · up, elementwise (the Llama feed-forward). gate, up: same shape.
    public func swiGLU(gate: Tensor, up: Tensor) -> Tensor {
        precondition(gate.count == up.count, "swiGLU: shapes \(gate.shape) and \(up.shape)")
        let y = tensor(gate.shape, from: [gate, up])
        let gp = gate.value.pointer, up_ = up.value.pointer, yp = y.value.pointer, n = gate.count
        Elementwise.forEach(n, pool: pool) { lo, len in
            (yp + lo).update(from: gp + lo, count: len)
            Kernels.swiGLU(gate: yp + lo, up: up_ + lo, len)
        }
        record(y) { [unowned self] in
            let dy = y.grad
            let dg = gate.requiresGrad ? gate.grad : nil, du = up.requiresGrad ? up.grad : nil
            Elementwise.forEach(n, pool: pool) { lo, len in
                ActivationBackward.swiGLU(gate: gp + lo, up: up_ + lo, dy: dy + lo,
                                          dGate: dg.map { $0 + lo }, dUp: du.map { $0 + lo }, len)
            }
        }
        return y
    }
}

/// Elementwise partitioning: fixed slices of 16 Ki values.
enum Elementwise {
    static let slice = 16_384
    static func forEach(_ n: Int, pool: ThreadPool, _ body: (Int, Int) -> Void) {
        pool.parallelFor((n + slice - 1) / slice) { c in
            let lo = c * slice
            body(lo, min(n, lo + slice) - lo)
        }
    }
}

/// Backward kernels of the activations; each adds dLoss/dInput to the given buffers.
public enum ActivationBackward {
    /// d/dx of 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³):
    /// 0.5·(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²).
    public static func gelu(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, _ n: Int) {
        let c: Float = 0.797_884_56, a: Float = 0.044_715
        var i = 0
        while i + 16 <= n {
            let v = Kernels.load(x + i)
            let v2: SIMD16<Float> = v * v
            let u: SIMD16<Float> = c * v * (1 + a * v2)
            let t: SIMD16<Float> = 1 - 2 / (Kernels.exp(u + u) + 1)
            let du: SIMD16<Float> = c * (1 + 3 * a * v2)
            let d: SIMD16<Float> = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du
            Kernels.store(Kernels.load(dx + i) + d * Kernels.load(dy + i), dx + i)
            i += 16
        }
        while i < n {
            let v = x[i], u = c * (v + a * v * v * v), t = tanhf(u)
            dx[i] += dy[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * a * v * v))
            i += 1
        }
    }

    /// y = silu(g)·u with s = σ(g): dg += dy·u·s·(1 + g·(1 − s)), du += dy·g·s.
    public static func swiGLU(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                              dGate: UnsafeMutablePointer<Float>?, dUp: UnsafeMutablePointer<Float>?, _ n: Int) {
        for i in 0..<n {
            let g = gate[i], s = 1 / (1 + expf(-g))
            dGate?[i] += dy[i] * up[i] * s * (1 + g * (1 - s))
            dUp?[i] += dy[i] * g * s
        }
    }
}
