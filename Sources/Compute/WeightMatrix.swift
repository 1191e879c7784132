/// A weight matrix used in place in any supported GGML type: `rows` rows of `columns` values,
/// each row `rowBytes` long (a whole number of blocks). y = W·x dots each row with x.
/// `data` points into memory someone else owns (a mapped model file) and must outlive this.
public struct WeightMatrix: @unchecked Sendable {
    public let type: GGMLType
    public let rows: Int
    public let columns: Int
    public let data: UnsafeRawPointer
    public let rowBytes: Int

    public init(type: GGMLType, rows: Int, columns: Int, data: UnsafeRawPointer) {
        precondition(type.rowBytes(columns) != nil, "\(columns) columns is not a whole number of \(type) blocks")
        self.type = type; self.rows = rows; self.columns = columns; self.data = data
        self.rowBytes = type.rowBytes(columns)!
    }

    /// The first byte of row `r`.
    @inlinable public func row(_ r: Int) -> UnsafeRawPointer { data + r * rowBytes }

    /// Bytes of the whole matrix.
    public var byteCount: Int { rows * rowBytes }
}
