import Compute

extension Tape {
    /// LayerNorm over the last dimension (PyTorch `nn.LayerNorm`, biased variance).
    /// x: (rows, n), weight, bias: (n).
    public func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) -> Tensor {
        normalization(x, weight: weight, bias: bias, eps: eps, rms: false)
    }

    /// RMSNorm over the last dimension (Llama): x / √(mean(x²) + eps) · weight.
    public func rmsNorm(_ x: Tensor, weight: Tensor?, eps: Float = 1e-5) -> Tensor {
        normalization(x, weight: weight, bias: nil, eps: eps, rms: true)
    }

    private func normalization(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float, rms: Bool) -> Tensor {
        let n = x.width, m = x.rows
        precondition(weight == nil || weight!.count == n, "norm: weight of \(weight!.count) for width \(n)")
        precondition(bias == nil || bias!.count == n, "norm: bias of \(bias!.count) for width \(n)")
        let y = tensor(x.shape, from: [x] + [weight, bias].compactMap { $0 })
        let xp = x.value.pointer, yp = y.value.pointer
        let wp = weight?.value.pointer, bp = bias?.value.pointer
        Rows.forEach(m, pool: pool) { rows in
            for r in rows {
                if rms { Kernels.rmsNorm(xp + r * n, weight: wp, eps: eps, out: yp + r * n, n) }
                else { Kernels.layerNorm(xp + r * n, weight: wp, bias: bp, eps: eps, out: yp + r * n, n) }
            }
        }
        record(y) { [unowned self] in
            let dy = y.grad
            let dx = x.requiresGrad ? x.grad : nil
            let wantW = weight?.requiresGrad == true, wantB = bias?.requiresGrad == true
            // Per chunk of rows: partial weight and bias gradients, added in chunk order.
            let chunks = (m + Rows.chunk - 1) / Rows.chunk
            let partials = scratch(chunks * 2 * n)
            Rows.forEach(m, pool: pool) { rows in
                let c = rows.lowerBound / Rows.chunk
                let dw = partials + c * 2 * n, db = dw + n
                dw.update(repeating: 0, count: 2 * n)
                for r in rows {
                    if rms {
                        NormBackward.rmsNorm(x: xp + r * n, dy: dy + r * n, weight: wp, eps: eps,
                                             dx: dx.map { $0 + r * n }, dWeight: wantW ? dw : nil, n)
                    } else {
                        NormBackward.layerNorm(x: xp + r * n, dy: dy + r * n, weight: wp, eps: eps,
                                               dx: dx.map { $0 + r * n }, dWeight: wantW ? dw : nil,
                                               dBias: wantB ? db : nil, n)
                    }
                }
            }
            for c in 0..<chunks {
                if wantW { Kernels.add(partials + c * 2 * n, into: weight!.grad, n) }
                if wantB { Kernels.add(partials + c * 2 * n + n, into: bias!.grad, n) }
            }
        }
        return y
    }
}
