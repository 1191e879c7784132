/// A weight matrix used in place in any supported GGML type: `rows` rows of `columns` values,
/// each row `rowBytes` long (a whole number of blocks). y = W·x dots each row with x.
/// `data` points into memory someone else owns (a mapped model file) and must outlive this.
/// A matrix used in products may also carry a `packed` copy for the kernels (`packedForProducts`);
/// `data` stays the file's layout (row lookups, export).
public struct WeightMatrix: @unchecked Sendable {
    public let type: GGMLType
    public let rows: Int
    public let columns: Int
    public let data: UnsafeRawPointer
    public let rowBytes: Int
    /// The kernels' layout of the same values, which `Matmul` uses when present.
    public let packed: PackedMatrix?

    public init(type: GGMLType, rows: Int, columns: Int, data: UnsafeRawPointer) {
        self.init(type: type, rows: rows, columns: columns, data: data, packed: nil)
    }

    private init(type: GGMLType, rows: Int, columns: Int, data: UnsafeRawPointer, packed: PackedMatrix?) {
        precondition(type.rowBytes(columns) != nil, "\(columns) columns is not a whole number of \(type) blocks")
        self.type = type; self.rows = rows; self.columns = columns; self.data = data
        self.rowBytes = type.rowBytes(columns)!
        self.packed = packed
    }

    /// This matrix with a packed copy when its type has one and packing is on
    /// (`PackedMatrix.isEnabled`); otherwise itself.
    public func packedForProducts() -> WeightMatrix {
        guard packed == nil, PackedMatrix.isEnabled, PackedMatrix.supports(type) else { return self }
        return WeightMatrix(type: type, rows: rows, columns: columns, data: data, packed: PackedMatrix(self))
    }

    /// The first byte of row `r`.
    @inlinable public func row(_ r: Int) -> UnsafeRawPointer { data + r * rowBytes }

    /// Bytes of the whole matrix.
    public var byteCount: Int { rows * rowBytes }
}
