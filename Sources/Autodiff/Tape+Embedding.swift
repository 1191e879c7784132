import Compute

extension Tape {
    /// Rows of `table` picked by `ids`. table: (vocabulary, width) → (ids.count, width).
    /// Backward adds each row's gradient to the row it was read from.
    public func embedding(_ ids: [Int32], table: Tensor) -> Tensor {
        let width = table.width, vocabulary = table.rows
        precondition(ids.allSatisfy { $0 >= 0 && Int($0) < vocabulary }, "embedding: id outside 0..<\(vocabulary)")
        let y = tensor([ids.count, width], from: [table])
        let src = table.value.pointer, dst = y.value.pointer
        ids.withUnsafeBufferPointer { idp in
            Rows.forEach(ids.count, pool: pool) { rows in
                for r in rows { (dst + r * width).update(from: src + Int(idp[r]) * width, count: width) }
            }
        }
        record(y) {
            // Sequential: ids repeat (the same token twice in a batch), and the order of the adds
            // is then fixed.
            let dy = y.grad, dt = table.grad
            for (r, id) in ids.enumerated() { Kernels.add(dy + r * width, into: dt + Int(id) * width, width) }
        }
        return y
    }

    /// a + b, same shape (the residual stream).
    public func add(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.count == b.count, "add: shapes \(a.shape) and \(b.shape)")
        let y = tensor(a.shape, from: [a, b])
        let ap = a.value.pointer, bp = b.value.pointer, yp = y.value.pointer
        Elementwise.forEach(a.count, pool: pool) { lo, len in
            (yp + lo).update(from: ap + lo, count: len)
            Kernels.add(bp + lo, into: yp + lo, len)
        }
        record(y) { [unowned self] in
            let dy = y.grad
            for t in [a, b] where t.requiresGrad {
                let g = t.grad
                Elementwise.forEach(a.count, pool: pool) { lo, len in Kernels.add(dy + lo, into: g + lo, len) }
            }
        }
        return y
    }
}
