import CTernKernels
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Q8_0, Q5_0, Q4_K or Q6_K weight matrix copied once, at load, into the "x16" layout of the
/// VNNI kernels: rows in groups of 16, and within a block each 4-value group of the 16 rows side
/// by side, so that one integer instruction adds that group to all 16 rows (the layouts are drawn
/// in CTernKernels/block_dot_x16.c and block_dot_x16_k.c). Bytes per row are those of the file
/// (Q4_K: 148 instead of 144, its 6-bit scales unpacked); the last group is padded with zero rows.
///
/// Why: in the file's layout a decoding batch is compute-bound on float work — each block of each
/// (row, column) is scaled on all 16 lanes of a register — while here the scaling runs once per
/// block for 16 rows, and each row's block terms are summed in block order, which makes every
/// output independent of how rows and columns are grouped. Q8_0/Q5_0 sum in double: exactly the dot
/// product of the quantized values, rounded once. The K-quants take the float steps of their
/// file-layout kernels, bit for bit (their f32 activation scale makes double exactness moot).
public final class PackedMatrix: @unchecked Sendable {
    public let type: GGMLType
    public let rows: Int
    public let columns: Int
    /// Blocks (32 values; K-quants: super-blocks of 256) per row.
    public let blocks: Int
    /// Groups of 16 rows (the last one padded).
    public let groups: Int
    /// Bytes of one block of a 16-row group, and of a whole group.
    public let blockBytes: Int
    public let groupStride: Int
    let storage: ByteBuffer

    /// The weight types that have a packed layout.
    public static func supports(_ type: GGMLType) -> Bool { packedBlockBytes(type) != nil }

    static func packedBlockBytes(_ type: GGMLType) -> Int? {
        switch type {
        case .q8_0: 544
        case .q5_0: 352
        case .q4_K: 2368
        case .q6_K: 3360
        default: nil
        }
    }

    /// Whether models pack their matrices of these types: when the VNNI kernels are compiled in,
    /// unless TERN_PACKED_WEIGHTS=0 (for comparisons). Elsewhere the file layout's Swift kernels run.
    public static let isEnabled: Bool = {
        guard BlockDot.usesVNNI else { return false }
        return getenv("TERN_PACKED_WEIGHTS").map { String(cString: $0) != "0" } ?? true
    }()

    /// Packs `w` (a type that `supports`).
    public init(_ w: WeightMatrix) {
        guard let bytes = Self.packedBlockBytes(w.type) else { preconditionFailure("PackedMatrix: \(w.type) has no packed layout") }
        type = w.type; rows = w.rows; columns = w.columns
        blocks = w.columns / w.type.blockSize
        groups = (w.rows + 15) / 16
        blockBytes = bytes
        groupStride = blocks * blockBytes
        storage = ByteBuffer(count: groups * groupStride)
        // Large matrices are packed on all cores (copying and first-touching ~1 GB is most of a
        // model's load time); groups are independent.
        if groups * groupStride >= 4 << 20 {
            let parts = 16
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                for g in stride(from: part, to: groups, by: parts) { packGroup(g, from: w) }
            }
        } else {
            for g in 0..<groups { packGroup(g, from: w) }
        }
    }

    /// The first byte of group `g`.
    public func group(_ g: Int) -> UnsafeRawPointer { UnsafeRawPointer(storage.pointer) + g * groupStride }

    private func packGroup(_ g: Int, from w: WeightMatrix) {
        let sourceBlockBytes = w.type.blockBytes
        for b in 0..<blocks {
            let dst = storage.pointer + g * groupStride + b * blockBytes
            // Q5_0 ORs its bit masks in; a padded group has rows nobody writes.
            if type == .q5_0 || (g + 1) * 16 > rows { dst.initializeMemory(as: UInt8.self, repeating: 0, count: blockBytes) }
            for r in 0..<16 {
                let row = g * 16 + r
                guard row < rows else {
                    if type == .q8_0 {   // a zero row: q = 0 is stored as 128
                        for k in 0..<8 { dst.storeBytes(of: 0x8080_8080 as UInt32, toByteOffset: 32 + 64 * k + 4 * r, as: UInt32.self) }
                    }
                    continue
                }
                let src = w.row(row) + b * sourceBlockBytes
                switch type {
                case .q8_0: Self.packQ8_0(src, dst, r)
                case .q5_0: Self.packQ5_0(src, dst, r)
                case .q4_K: Self.packQ4_K(src, dst, r)
                default: Self.packQ6_K(src, dst, r)
                }
            }
        }
    }

    private static func packQ8_0(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, _ r: Int) {
        dst.storeBytes(of: src.loadUnaligned(as: UInt16.self), toByteOffset: 2 * r, as: UInt16.self)
        for k in 0..<8 {
            let q = src.loadUnaligned(fromByteOffset: 2 + 4 * k, as: UInt32.self)
            dst.storeBytes(of: q ^ 0x8080_8080, toByteOffset: 32 + 64 * k + 4 * r, as: UInt32.self)
        }
    }

    private static func packQ5_0(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, _ r: Int) {
        dst.storeBytes(of: src.loadUnaligned(as: UInt16.self), toByteOffset: 2 * r, as: UInt16.self)
        let high = src.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
        for j in 0..<4 {
            let q = src.loadUnaligned(fromByteOffset: 6 + 4 * j, as: UInt32.self)
            dst.storeBytes(of: q, toByteOffset: 32 + 64 * j + 4 * r, as: UInt32.self)
            orBits(dst, 288 + 8 * j, UInt64((high >> (4 * j)) & 0xF) << (4 * r))
            orBits(dst, 320 + 8 * j, UInt64((high >> (16 + 4 * j)) & 0xF) << (4 * r))
        }
    }

    private static func packQ4_K(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, _ r: Int) {
        dst.storeBytes(of: src.loadUnaligned(as: UInt16.self), toByteOffset: 2 * r, as: UInt16.self)
        dst.storeBytes(of: src.loadUnaligned(fromByteOffset: 2, as: UInt16.self), toByteOffset: 32 + 2 * r, as: UInt16.self)
        for j in 0..<8 {
            let (scale, min) = Quant.unpackScalesMins(src + 4, j)
            dst.storeBytes(of: UInt8(scale), toByteOffset: 64 + 16 * j + r, as: UInt8.self)
            dst.storeBytes(of: UInt8(min), toByteOffset: 192 + 32 * (j / 2) + 2 * r + j % 2, as: UInt8.self)
        }
        // Group p = 8c + t (values 64c+4t+i low, 64c+32+4t+i high) is exactly the file's qs[4p ..< 4p+4].
        for p in 0..<32 {
            dst.storeBytes(of: src.loadUnaligned(fromByteOffset: 16 + 4 * p, as: UInt32.self), toByteOffset: 320 + 64 * p + 4 * r,
                           as: UInt32.self)
        }
    }

    private static func packQ6_K(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, _ r: Int) {
        dst.storeBytes(of: src.loadUnaligned(fromByteOffset: 208, as: UInt16.self), toByteOffset: 2 * r, as: UInt16.self)
        // The file keeps, per half n, ql[64n + l] = values 128n+l (low nibble) and 128n+64+l (high),
        // ql[64n + 32 + l] = values 128n+32+l and 128n+96+l, qh[32n + l] = bits 4-5 of values
        // 128n+32s+l at bits 2s (l < 32): the packed ql_a, ql_b and qh words are copies of those.
        for n in 0..<2 {
            for tq in 0..<2 {
                let quarter = 32 + 832 * (2 * n + tq)
                for s in 0..<4 {
                    dst.storeBytes(of: src.load(fromByteOffset: 192 + 8 * n + 2 * s + tq, as: UInt8.self),
                                   toByteOffset: quarter + 16 * s + r, as: UInt8.self)
                }
                for u in 0..<4 {
                    let t = 4 * tq + u, base = quarter + 64 + 192 * u + 4 * r
                    dst.storeBytes(of: src.loadUnaligned(fromByteOffset: 64 * n + 4 * t, as: UInt32.self), toByteOffset: base, as: UInt32.self)
                    dst.storeBytes(of: src.loadUnaligned(fromByteOffset: 64 * n + 32 + 4 * t, as: UInt32.self), toByteOffset: base + 64,
                                   as: UInt32.self)
                    dst.storeBytes(of: src.loadUnaligned(fromByteOffset: 128 + 32 * n + 4 * t, as: UInt32.self), toByteOffset: base + 128,
                                   as: UInt32.self)
                }
            }
        }
    }

    private static func orBits(_ p: UnsafeMutableRawPointer, _ offset: Int, _ bits: UInt64) {
        p.storeBytes(of: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self) | bits, toByteOffset: offset, as: UInt64.self)
    }

    // Reading the packed layout back (the Swift twin and tests).

    func block(_ g: Int, _ b: Int) -> UnsafeRawPointer { group(g) + b * blockBytes }

    func byte(_ g: Int, _ b: Int, _ offset: Int) -> UInt8 { block(g, b).load(fromByteOffset: offset, as: UInt8.self) }

    func half(_ g: Int, _ b: Int, _ offset: Int) -> Float {
        Half.f16ToFloat(block(g, b).loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    /// Q8_0/Q5_0: value i (0..<32) of row r in block b of group g, the signed weight integer.
    func value(group g: Int, block b: Int, row r: Int, index i: Int) -> Int32 {
        let k = i / 4, lane = i % 4
        if type == .q8_0 { return Int32(byte(g, b, 32 + 64 * k + 4 * r + lane)) - 128 }
        let j = k % 4
        let nibble = k < 4 ? byte(g, b, 32 + 64 * j + 4 * r + lane) & 0xF : byte(g, b, 32 + 64 * j + 4 * r + lane) >> 4
        let mask = block(g, b).loadUnaligned(fromByteOffset: (k < 4 ? 288 : 320) + 8 * j, as: UInt64.self)
        let fifth = UInt8((mask >> UInt64(4 * r + lane)) & 1) << 4
        return Int32(nibble | fifth) - 16
    }

    /// Q4_K: the 4-bit value v (0..<256) of row r; its sub-block scale and min (j = v / 32).
    func q4K(group g: Int, block b: Int, row r: Int, index v: Int) -> Int32 {
        let c = v / 64, w = v % 64, p = 8 * c + (w % 32) / 4
        let x = byte(g, b, 320 + 64 * p + 4 * r + v % 4)
        return Int32(w < 32 ? x & 0xF : x >> 4)
    }
    func q4KScale(group g: Int, block b: Int, row r: Int, sub j: Int) -> Int32 { Int32(byte(g, b, 64 + 16 * j + r)) }
    func q4KMin(group g: Int, block b: Int, row r: Int, sub j: Int) -> Int32 { Int32(byte(g, b, 192 + 32 * (j / 2) + 2 * r + j % 2)) }

    /// Q6_K: the 6-bit value v (0..<256) of row r, before the -32 offset; the scale of sub-block j (v / 16).
    func q6K(group g: Int, block b: Int, row r: Int, index v: Int) -> Int32 {
        let n = v / 128, w = v % 128, s = w / 32, t = (w % 32) / 4, i = v % 4
        let base = 32 + 832 * (2 * n + t / 4) + 64 + 192 * (t % 4) + 4 * r + i
        let ql = byte(g, b, base + (s % 2 == 0 ? 0 : 64))
        let qh = byte(g, b, base + 128)
        return Int32((s < 2 ? ql & 0xF : ql >> 4) | ((qh >> UInt8(2 * s)) & 3) << 4)
    }
    func q6KScale(group g: Int, block b: Int, row r: Int, sub j: Int) -> Int32 {
        let n = j / 8, s = (j % 8) / 2, tq = j % 2
        return Int32(Int8(bitPattern: byte(g, b, 32 + 832 * (2 * n + tq) + 16 * s + r)))
    }

    /// Row `row` dequantized from the packed bytes, with the same float expressions as
    /// `Quant.dequantizeRowReference` (so equal to it when packing kept everything).
    func dequantizedRow(_ row: Int) -> [Float] {
        let g = row / 16, r = row % 16
        var out = [Float](repeating: 0, count: columns)
        for b in 0..<blocks {
            switch type {
            case .q8_0, .q5_0:
                let d = half(g, b, 2 * r)
                for i in 0..<32 { out[32 * b + i] = d * Float(value(group: g, block: b, row: r, index: i)) }
            case .q4_K:
                let d = half(g, b, 2 * r), dmin = half(g, b, 32 + 2 * r)
                for v in 0..<256 {
                    let sc = q4KScale(group: g, block: b, row: r, sub: v / 32), m = q4KMin(group: g, block: b, row: r, sub: v / 32)
                    out[256 * b + v] = d * Float(sc) * Float(q4K(group: g, block: b, row: r, index: v)) - dmin * Float(m)
                }
            default:
                let d = half(g, b, 2 * r)
                for v in 0..<256 {
                    let scale = Float(q6KScale(group: g, block: b, row: r, sub: v / 16))
                    out[256 * b + v] = d * scale * Float(q6K(group: g, block: b, row: r, index: v) - 32)
                }
            }
        }
        return out
    }
}
