extension HFTensorNames.HFLayout {
    /// The checkpoint's shape of a graph tensor of `shape`.
    func hfShape(_ shape: [Int]) -> [Int] {
        self == .transposed ? shape.reversed() : shape
    }

    /// Graph values (row-major `shape`) → checkpoint values (row-major `hfShape(shape)`).
    func toHF(_ values: [Float], shape: [Int]) -> [Float] {
        switch self {
        case .same: return values
        case .transposed: return Self.transpose(values, rows: shape[0], columns: shape[1])
        case .ropeRows(let heads): return Self.permuteRows(values, rows: shape[0], heads: heads, toHF: true)
        }
    }

    /// Checkpoint values (row-major `hfShape(shape)`) → graph values (row-major `shape`).
    func fromHF(_ values: [Float], shape: [Int]) -> [Float] {
        switch self {
        case .same: return values
        case .transposed: return Self.transpose(values, rows: shape[1], columns: shape[0])
        case .ropeRows(let heads): return Self.permuteRows(values, rows: shape[0], heads: heads, toHF: false)
        }
    }

    /// (rows, columns) → (columns, rows).
    static func transpose(_ x: [Float], rows: Int, columns: Int) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        for r in 0..<rows {
            for c in 0..<columns { y[c * rows + r] = x[r * columns + c] }
        }
        return y
    }

    /// Moves whole rows of x ((rows, columns), rows = heads · d) between the two RoPE layouts.
    /// Within a head, the graph's row 2i + j (j = 0, 1; i < d/2) is the checkpoint's row j·d/2 + i:
    /// the inverse of llama.cpp's converter, which reshapes each head's rows to (2, d/2), swaps the
    /// axes and flattens (`LlamaModel.permute`).
    static func permuteRows(_ x: [Float], rows: Int, heads: Int, toHF: Bool) -> [Float] {
        let d = rows / heads, half = d / 2, columns = x.count / rows
        var y = [Float](repeating: 0, count: x.count)
        for h in 0..<heads {
            for i in 0..<half {
                for j in 0..<2 {
                    let graphRow = h * d + 2 * i + j, hfRow = h * d + j * half + i
                    let (from, to) = toHF ? (graphRow, hfRow) : (hfRow, graphRow)
                    for c in 0..<columns { y[to * columns + c] = x[from * columns + c] }
                }
            }
        }
        return y
    }
}
