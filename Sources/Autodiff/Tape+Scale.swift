import Compute

extension Tape {
    /// a + s·b, same shape (a LoRA branch joining its base projection).
    public func add(_ a: Tensor, _ b: Tensor, scale s: Float) -> Tensor {
        precondition(a.count == b.count, "add: shapes \(a.shape) and \(b.shape)")
        let y = tensor(a.shape, from: [a, b])
        let ap = a.value.pointer, bp = b.value.pointer, yp = y.value.pointer
        Elementwise.forEach(a.count, pool: pool) { lo, len in
            (yp + lo).update(from: ap + lo, count: len)
            Kernels.axpy(s, bp + lo, yp + lo, len)
        }
        record(y) { [unowned self] in
            let dy = y.grad
            if a.requiresGrad { let g = a.grad; Elementwise.forEach(a.count, pool: pool) { lo, len in Kernels.add(dy + lo, into: g + lo, len) } }
            if b.requiresGrad { let g = b.grad; Elementwise.forEach(a.count, pool: pool) { lo, len in Kernels.axpy(s, dy + lo, g + lo, len) } }
        }
        return y
    }

    /// Inverted dropout: each value is zeroed with `probability` and the rest scaled by
    /// 1/(1 − probability). The mask is a pure function of (`seed`, index), so a resumed run
    /// draws the same masks. Identity when the probability is 0 or the tape does not record.
    public func dropout(_ x: Tensor, probability p: Float, seed: UInt64) -> Tensor {
        guard p > 0, isRecording else { return x }
        precondition(p < 1, "dropout probability \(p) must be below 1")
        let y = tensor(x.shape, from: [x])
        let mask = tensor(x.shape, from: [])
        let keep = 1 / (1 - p), threshold = UInt64(Double(p) * 0x1p53)
        let xp = x.value.pointer, yp = y.value.pointer, mp = mask.value.pointer
        Elementwise.forEach(x.count, pool: pool) { lo, len in
            for i in lo..<lo + len {
                var g = SeededGenerator(seed: seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
                mp[i] = (g.next() >> 11) < threshold ? 0 : keep
                yp[i] = xp[i] * mp[i]
            }
        }
        record(y) { [unowned self] in
            guard x.requiresGrad else { return }
            let dy = y.grad, dx = x.grad
            Elementwise.forEach(x.count, pool: pool) { lo, len in for i in lo..<lo + len { dx[i] += dy[i] * mp[i] } }
        }
        return y
    }
}
