// Products with packed matrices (PackedMatrix): the driver over the x16 kernels of CTernKernels,
// their Swift twin, and the per-block facts of Q8_0 activations that the Q8_0/Q5_0 kernels read.
import CTernKernels

extension BlockDot {
    /// y = W·x for the rows [rowStart, rowStart + rows) of a packed matrix (rowStart a multiple of
    /// 16) against `cols` activation rows (`Quant.activationType(for:)` of the weight type):
    /// out[c * outStride + r] = dot(row rowStart + r, activation row c). Q8_0 activations come with
    /// `info` (`blockInfo`, `blocks` entries per row); the K-quants take nil (their Q8_K blocks
    /// carry their own scale and sums).
    public static func packedTile(_ w: PackedMatrix, rowStart: Int, rows: Int,
                                  activations: UnsafeRawPointer, activationStride: Int,
                                  info: UnsafePointer<tern_block_info>?, cols: Int,
                                  out: UnsafeMutablePointer<Float>, outStride: Int) {
        packedTile(w, rowStart: rowStart, rows: rows, activations: activations, activationStride: activationStride,
                   info: info, cols: cols, out: out, outStride: outStride, backend: usesVNNI ? .vnni : .swift)
    }

    static func packedTile(_ w: PackedMatrix, rowStart: Int, rows: Int,
                           activations: UnsafeRawPointer, activationStride: Int,
                           info: UnsafePointer<tern_block_info>?, cols: Int,
                           out: UnsafeMutablePointer<Float>, outStride: Int, backend: Backend) {
        precondition(rowStart % 16 == 0 && rowStart >= 0 && rows >= 0 && rowStart + rows <= w.rows,
                     "packedTile: rows \(rowStart)..<\(rowStart + rows) of \(w.rows) (start must be a multiple of 16)")
        guard rows > 0, cols > 0 else { return }
        let firstGroup = rowStart / 16
        let groupCount = (rows + 15) / 16
        let isK = w.type == .q4_K || w.type == .q6_K
        precondition(isK || info != nil, "packedTile: \(w.type) needs the activations' block info")
        let kernel = w.type == .q8_0 ? tern_x16_q8_0_q8_0 : tern_x16_q5_0_q8_0
        let kernelK = w.type == .q4_K ? tern_x16_q4_k_q8_k : tern_x16_q6_k_q8_k
        // Groups in blocks of ~256 KiB, every column group of a block before the next block: with more
        // than 8 columns a block's weights come from DRAM once and then from L2.
        let groupBlock = max(1, (256 << 10) / max(1, w.groupStride))
        var g0 = 0
        while g0 < groupCount {
            let gn = min(groupBlock, groupCount - g0)
            let lastRows = min(16, rows - 16 * (g0 + gn - 1))
            var c0 = 0
            while c0 < cols {
                let nc = min(4, cols - c0)   // 8 columns spill registers (measured slower in prefill)
                let o = out + c0 * outStride + 16 * g0
                if backend == .vnni && isK {
                    kernelK(Int32(gn), Int32(nc), w.group(firstGroup + g0), w.groupStride,
                            activations + c0 * activationStride, activationStride, Int32(w.blocks), o, outStride,
                            Int32(lastRows))
                } else if backend == .vnni {
                    kernel(Int32(gn), Int32(nc), w.group(firstGroup + g0), w.groupStride,
                           activations + c0 * activationStride, activationStride,
                           info! + c0 * w.blocks, w.blocks, Int32(w.blocks), o, outStride, Int32(lastRows))
                } else {
                    packedTileSwift(w, firstGroup: firstGroup + g0, groups: gn, lastRows: lastRows,
                                    activations: activations + c0 * activationStride, activationStride: activationStride,
                                    info: info.map { $0 + c0 * w.blocks }, cols: nc, out: o, outStride: outStride)
                }
                c0 += nc
            }
            g0 += gn
        }
    }

    /// The Swift twin of the x16 kernels: the same exact integer block sums and the same
    /// multiply-adds in block order (double for Q8_0/Q5_0; for the K-quants f32, mins then sums per super-block), so the same floats.
    static func packedTileSwift(_ w: PackedMatrix, firstGroup: Int, groups: Int, lastRows: Int,
                                activations: UnsafeRawPointer, activationStride: Int,
                                info: UnsafePointer<tern_block_info>?, cols: Int,
                                out: UnsafeMutablePointer<Float>, outStride: Int) {
        for gi in 0..<groups {
            let g = firstGroup + gi
            for c in 0..<cols {
                let a = activations + c * activationStride
                for r in 0..<(gi == groups - 1 ? lastRows : 16) {
                    var acc = 0.0                        // Q8_0/Q5_0: exact terms in double
                    var sums: Float = 0                      // K-quants: f32, as the file-layout kernels
                    for b in 0..<w.blocks {
                        switch w.type {
                        case .q8_0, .q5_0:
                            var sum: Int32 = 0
                            for i in 0..<32 {
                                sum &+= w.value(group: g, block: b, row: r, index: i) &* Int32(a.load(fromByteOffset: b * 34 + 2 + i, as: Int8.self))
                            }
                            acc.addProduct(Double(sum), Double(w.half(g, b, 2 * r)) * info![c * w.blocks + b].scale)
                        case .q4_K:
                            let ab = a + b * 292
                            var intSums: Int32 = 0, intMins: Int32 = 0
                            for j in 0..<8 {
                                var s: Int32 = 0
                                for i in 0..<32 {
                                    s &+= w.q4K(group: g, block: b, row: r, index: 32 * j + i) &* Int32(ab.load(fromByteOffset: 4 + 32 * j + i, as: Int8.self))
                                }
                                intSums &+= w.q4KScale(group: g, block: b, row: r, sub: j) &* s
                                let bsum = Int32(ab.loadUnaligned(fromByteOffset: 260 + 4 * j, as: Int16.self))
                                    &+ Int32(ab.loadUnaligned(fromByteOffset: 262 + 4 * j, as: Int16.self))
                                intMins &+= w.q4KMin(group: g, block: b, row: r, sub: j) &* bsum
                            }
                            let da = ab.loadUnaligned(as: Float.self)
                            sums.addProduct(-Float(intMins), w.half(g, b, 32 + 2 * r) * da)
                            sums.addProduct(Float(intSums), w.half(g, b, 2 * r) * da)
                        default:
                            let ab = a + b * 292
                            var intSums: Int32 = 0
                            for j in 0..<16 {
                                var s: Int32 = 0
                                for i in 0..<16 {
                                    s &+= (w.q6K(group: g, block: b, row: r, index: 16 * j + i) - 32) &* Int32(ab.load(fromByteOffset: 4 + 16 * j + i, as: Int8.self))
                                }
                                intSums &+= w.q6KScale(group: g, block: b, row: r, sub: j) &* s
                            }
                            sums.addProduct(Float(intSums), w.half(g, b, 2 * r) * ab.loadUnaligned(as: Float.self))
                        }
                    }
                    if w.type == .q4_K || w.type == .q6_K { acc = Double(sums) }
                    out[c * outStride + 16 * gi + r] = Float(acc)
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
