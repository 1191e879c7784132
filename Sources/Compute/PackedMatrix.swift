import CTernKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Q8_0 or Q5_0 weight matrix copied once, at load, into the "x16" layout of the VNNI kernels:
/// rows in groups of 16, and within a block of 32 values each 4-value group of the 16 rows
/// side by side, so that one integer instruction adds that group to all 16 rows (the layout is
/// drawn in CTernKernels/block_dot_x16.c). The bytes per row are those of the file's blocks; the
/// last group is padded with zero rows.
///
/// Why: in the file's layout a decoding batch is compute-bound on float work — each block of each
/// (row, column) is scaled on all 16 lanes of a register — while here the scaling runs once per
/// block for 16 rows, and each row's block terms are summed exactly (in double), which makes
/// every output independent of how rows and columns are grouped.
public final class PackedMatrix: @unchecked Sendable {
    public let type: GGMLType
    public let rows: Int
    public let columns: Int
    /// Blocks of 32 values per row.
    public let blocks: Int
    /// Groups of 16 rows (the last one padded).
    public let groups: Int
    /// Bytes of one block of a 16-row group, and of a whole group.
    public let blockBytes: Int
    public let groupStride: Int
    let storage: ByteBuffer

    /// The weight types that have a packed layout.
    public static func supports(_ type: GGMLType) -> Bool { type == .q8_0 || type == .q5_0 }

    /// Whether models pack their Q8_0/Q5_0 matrices: when the VNNI kernels are compiled in, unless
    /// TERN_PACKED_WEIGHTS=0 (for comparisons). Elsewhere the file layout's Swift kernels run.
    public static let isEnabled: Bool = {
        guard BlockDot.usesVNNI else { return false }
        return getenv("TERN_PACKED_WEIGHTS").map { String(cString: $0) != "0" } ?? true
    }()

    /// Packs `w` (Q8_0 or Q5_0).
    public init(_ w: WeightMatrix) {
        precondition(Self.supports(w.type), "PackedMatrix: \(w.type) has no packed layout")
        type = w.type; rows = w.rows; columns = w.columns
        blocks = w.columns / 32
        groups = (w.rows + 15) / 16
        blockBytes = 16 * w.type.blockBytes
        groupStride = blocks * blockBytes
        storage = ByteBuffer(count: groups * groupStride)
        for g in 0..<groups { packGroup(g, from: w) }
    }

    /// The first byte of group `g`.
    public func group(_ g: Int) -> UnsafeRawPointer { UnsafeRawPointer(storage.pointer) + g * groupStride }

    var base: UnsafeRawPointer { UnsafeRawPointer(storage.pointer) }

    private func packGroup(_ g: Int, from w: WeightMatrix) {
        let sourceBlockBytes = w.type.blockBytes
        for b in 0..<blocks {
            let dst = storage.pointer + g * groupStride + b * blockBytes
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
                dst.storeBytes(of: src.loadUnaligned(as: UInt16.self), toByteOffset: 2 * r, as: UInt16.self)
                if type == .q8_0 {
                    for k in 0..<8 {
                        let q = src.loadUnaligned(fromByteOffset: 2 + 4 * k, as: UInt32.self)
                        dst.storeBytes(of: q ^ 0x8080_8080, toByteOffset: 32 + 64 * k + 4 * r, as: UInt32.self)
                    }
                } else {
                    let high = src.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
                    for j in 0..<4 {
                        let q = src.loadUnaligned(fromByteOffset: 6 + 4 * j, as: UInt32.self)
                        dst.storeBytes(of: q, toByteOffset: 32 + 64 * j + 4 * r, as: UInt32.self)
                        let low5 = UInt64((high >> (4 * j)) & 0xF) << (4 * r)
                        let high5 = UInt64((high >> (16 + 4 * j)) & 0xF) << (4 * r)
                        let lowOffset = 288 + 8 * j, highOffset = 320 + 8 * j
                        dst.storeBytes(of: dst.loadUnaligned(fromByteOffset: lowOffset, as: UInt64.self) | low5,
                                       toByteOffset: lowOffset, as: UInt64.self)
                        dst.storeBytes(of: dst.loadUnaligned(fromByteOffset: highOffset, as: UInt64.self) | high5,
                                       toByteOffset: highOffset, as: UInt64.self)
                    }
                }
            }
        }
    }

    /// Value i (0..<32) of row r (0..<16) in block b of group g, as the signed weight (q - offset
    /// already taken back): what the kernels multiply.
    func value(group g: Int, block b: Int, row r: Int, index i: Int) -> Int32 {
        let block = group(g) + b * blockBytes
        let k = i / 4, lane = i % 4
        if type == .q8_0 {
            return Int32(block.load(fromByteOffset: 32 + 64 * k + 4 * r + lane, as: UInt8.self)) - 128
        }
        let j = k % 4
        let byte = block.load(fromByteOffset: 32 + 64 * j + 4 * r + lane, as: UInt8.self)
        let nibble = k < 4 ? byte & 0xF : byte >> 4
        let mask = block.loadUnaligned(fromByteOffset: (k < 4 ? 288 : 320) + 8 * j, as: UInt64.self)
        let fifth = UInt8((mask >> UInt64(4 * r + lane)) & 1) << 4
        return Int32(nibble | fifth) - 16
    }

    /// The f16 scale of row r in block b of group g.
    func scale(group g: Int, block b: Int, row r: Int) -> Float {
        Half.f16ToFloat((group(g) + b * blockBytes).loadUnaligned(fromByteOffset: 2 * r, as: UInt16.self))
    }
}

extension BlockDot {
    /// y = W·x for the rows [rowStart, rowStart + rows) of a packed matrix (rowStart a multiple of
    /// 16) against `cols` Q8_0 activation rows described by `info` (`blockInfo`, `blocks` entries
    /// per activation row): out[c * outStride + r] = dot(row rowStart + r, activation row c).
    public static func packedTile(_ w: PackedMatrix, rowStart: Int, rows: Int,
                                  activations: UnsafeRawPointer, activationStride: Int,
                                  info: UnsafePointer<tern_block_info>, cols: Int,
                                  out: UnsafeMutablePointer<Float>, outStride: Int) {
        packedTile(w, rowStart: rowStart, rows: rows, activations: activations, activationStride: activationStride,
                   info: info, cols: cols, out: out, outStride: outStride, backend: usesVNNI ? .vnni : .swift)
    }

    static func packedTile(_ w: PackedMatrix, rowStart: Int, rows: Int,
                           activations: UnsafeRawPointer, activationStride: Int,
                           info: UnsafePointer<tern_block_info>, cols: Int,
                           out: UnsafeMutablePointer<Float>, outStride: Int, backend: Backend) {
        precondition(rowStart % 16 == 0 && rowStart >= 0 && rows >= 0 && rowStart + rows <= w.rows,
                     "packedTile: rows \(rowStart)..<\(rowStart + rows) of \(w.rows) (start must be a multiple of 16)")
        guard rows > 0, cols > 0 else { return }
        let firstGroup = rowStart / 16
        let groupCount = (rows + 15) / 16
        let kernel = w.type == .q8_0 ? tern_x16_q8_0_q8_0 : tern_x16_q5_0_q8_0
        // Groups in blocks of ~256 KiB, every column group of a block before the next block: with more
        // than 8 columns a block's weights come from DRAM once and then from L2.
        let groupBlock = max(1, (256 << 10) / max(1, w.groupStride))
        var g0 = 0
        while g0 < groupCount {
            let gn = min(groupBlock, groupCount - g0)
            let lastRows = min(16, rows - 16 * (g0 + gn - 1))
            var c0 = 0
            while c0 < cols {
                let nc = min(4, cols - c0)
                let o = out + c0 * outStride + 16 * g0
                if backend == .vnni {
                    kernel(Int32(gn), Int32(nc), w.group(firstGroup + g0), w.groupStride,
                           activations + c0 * activationStride, activationStride,
                           info + c0 * w.blocks, w.blocks, Int32(w.blocks), o, outStride, Int32(lastRows))
                } else {
                    packedTileSwift(w, firstGroup: firstGroup + g0, groups: gn, lastRows: lastRows,
                                    activations: activations + c0 * activationStride, activationStride: activationStride,
                                    info: info + c0 * w.blocks, cols: nc, out: o, outStride: outStride)
                }
                c0 += nc
            }
            g0 += gn
        }
    }

    /// The Swift twin of the x16 kernels: the same exact integer block sums, the same double
    /// accumulation in block order, so the same floats.
    static func packedTileSwift(_ w: PackedMatrix, firstGroup: Int, groups: Int, lastRows: Int,
                                activations: UnsafeRawPointer, activationStride: Int,
                                info: UnsafePointer<tern_block_info>, cols: Int,
                                out: UnsafeMutablePointer<Float>, outStride: Int) {
        for g in 0..<groups {
            let rowsHere = g == groups - 1 ? lastRows : 16
            for c in 0..<cols {
                let a = activations + c * activationStride
                for r in 0..<rowsHere {
                    var acc = 0.0
                    for b in 0..<w.blocks {
                        var sum: Int32 = 0
                        for i in 0..<32 {
                            let x = Int32(a.load(fromByteOffset: b * 34 + 2 + i, as: Int8.self))
                            sum &+= w.value(group: firstGroup + g, block: b, row: r, index: i) &* x
                        }
                        let scale = Double(w.scale(group: firstGroup + g, block: b, row: r)) * info[c * w.blocks + b].scale
                        acc.addProduct(Double(sum), scale)
                    }
                    out[c * outStride + 16 * g + r] = Float(acc)
                }
            }
        }
    }

    /// Fills `info` (tokens × blocks entries) for Q8_0 activation rows: each block's scale and sum.
    public static func blockInfo(_ activations: UnsafeRawPointer, activationStride: Int, tokens: Int, blocks: Int,
                                 into info: UnsafeMutablePointer<tern_block_info>) {
        for t in 0..<tokens {
            let row = activations + t * activationStride
            for b in 0..<blocks {
                let block = row + b * 34
                var sum: Int32 = 0
                for i in 0..<32 { sum &+= Int32(block.load(fromByteOffset: 2 + i, as: Int8.self)) }
                let scale = Double(Half.f16ToFloat(block.loadUnaligned(as: UInt16.self)))
                info[t * blocks + b] = tern_block_info(scale: scale, sum: sum, unused: 0)
            }
        }
    }
}
