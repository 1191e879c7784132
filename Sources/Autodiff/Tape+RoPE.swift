import Compute

extension Tape {
    /// Rotary position embedding of `heads` heads per row: row r is at `positions[r]`.
    /// x: (rows, heads·headDim) → same shape. Backward rotates the gradient back by the same angles.
    public func rope(_ x: Tensor, positions: [Int], heads: Int, headDim: Int, rope: RoPE) -> Tensor {
        let rows = x.rows, width = x.width
        precondition(positions.count == rows && width == heads * headDim, "rope: \(x.shape) for \(positions.count) positions")
        let y = tensor(x.shape, from: [x])
        let dims = rope.dimensions
        let tables = tensor([rows, dims], from: [])
        let tp = tables.value.pointer, xp = x.value.pointer, yp = y.value.pointer
        positions.withUnsafeBufferPointer { pos in
            Rows.forEach(rows, pool: pool) { range in
                for r in range {
                    rope.table(position: pos[r], into: tp + r * dims)
                    (yp + r * width).update(from: xp + r * width, count: width)
                    rope.apply(yp + r * width, heads: heads, headDim: headDim, table: tp + r * dims)
                }
            }
        }
        record(y) { [unowned self] in
            guard x.requiresGrad else { return }
            let dy = y.grad, dx = x.grad
            Rows.forEach(rows, pool: pool) { range in
                for r in range {
                    RoPEBackward.apply(rope, dy: dy + r * width, dx: dx + r * width, heads: heads, headDim: headDim,
                                       table: tp + r * dims)
                }
            }
        }
        return y
    }
}

/// The transpose of a rotation is the rotation by the opposite angle.
public enum RoPEBackward {
    /// dx += Rᵀ·dy for every head. dy, dx: (heads, headDim); table as `RoPE.table`.
    public static func apply(_ rope: RoPE, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
                             heads: Int, headDim: Int, table: UnsafePointer<Float>) {
        let half = rope.dimensions / 2
        for h in 0..<heads {
            let g = dy + h * headDim, d = dx + h * headDim
            for i in 0..<half {
                let c = table[2 * i], s = table[2 * i + 1]
                let (ia, ib) = rope.mode == .normal ? (2 * i, 2 * i + 1) : (i, i + half)
                d[ia] += g[ia] * c + g[ib] * s
                d[ib] += -g[ia] * s + g[ib] * c
            }
            for i in rope.dimensions..<headDim { d[i] += g[i] }
        }
    }
}
