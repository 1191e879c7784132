import Compute

extension Tape {
    /// y = x · Wᵀ + b (PyTorch's `nn.Linear`). x: (rows, in), weight: (out, in), bias: (out) → (rows, out).
    public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
        let m = x.rows, k = x.width, n = weight.shape[0]
        precondition(weight.shape == [n, k], "linear: weight \(weight.shape) for input width \(k)")
        precondition(bias == nil || bias!.count == n, "linear: bias of \(bias!.count) for \(n) outputs")
        let y = tensor(Array(x.shape.dropLast()) + [n], from: [x, weight] + (bias.map { [$0] } ?? []))
        GEMM.multiply(m: m, n: n, k: k, a: x.value.pointer, lda: k, b: weight.value.pointer, ldb: k,
                      transposeB: true, c: y.value.pointer, ldc: n, pool: pool)
        if let bias {
            let yp = y.value.pointer, bp = bias.value.pointer
            Rows.forEach(m, pool: pool) { rows in for r in rows { Kernels.add(bp, into: yp + r * n, n) } }
        }
        record(y) { [unowned self] in
            let dy = y.grad
            if x.requiresGrad {  // dX (m×k) += dY (m×n) · W (n×k)
                GEMM.multiply(m: m, n: k, k: n, a: dy, lda: n, b: weight.value.pointer, ldb: k,
                              c: x.grad, ldc: k, accumulate: true, pool: pool)
            }
            if weight.requiresGrad {  // dW (n×k) += dYᵀ (n×m) · X (m×k)
                GEMM.multiply(m: n, n: k, k: m, a: dy, lda: n, transposeA: true, b: x.value.pointer, ldb: k,
                              c: weight.grad, ldc: k, accumulate: true, pool: pool)
            }
            if let bias, bias.requiresGrad {
                Rows.sumColumns(dy, rows: m, width: n, stride: n, into: bias.grad, pool: pool,
                                scratch: scratch(Rows.scratchCount(rows: m, width: n)))
            }
        }
        return y
    }
}
