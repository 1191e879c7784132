extension BlockDot {
    static func swiftTile(_ type: GGMLType, _ w: UnsafeRawPointer, _ wStride: Int, _ rows: Int,
                          _ a: UnsafeRawPointer, _ aStride: Int, _ cols: Int, _ blocks: Int,
                          _ out: UnsafeMutablePointer<Float>, _ outStride: Int) {
        fatalError("todo")
    }
}
