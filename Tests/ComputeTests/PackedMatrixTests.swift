import Testing
import CTernKernels
@testable import Compute
import TestSupport

/// Q8_0/Q5_0 matrices repacked 16 rows at a time (PackedMatrix) and their x16 kernels.
@Suite struct PackedMatrixTests {
    static let types: [GGMLType] = [.q8_0, .q5_0, .q4_K, .q6_K]

    /// Row lengths to try: whole blocks of the type, small and model-sized.
    static func lengths(_ type: GGMLType) -> [Int] { type.blockSize == 32 ? [32, 256, 896, 4864] : [256, 512, 1536, 4864] }

    /// The dot product of one weight row (file layout) with one activation row, from their
    /// integers and scales in Double (every term exact, the sum within ~1e-15 relative), and the
    /// sum of |w·x| over the K-quants' scaled sub-terms (the scale of f32 rounding).
    static func exactDot(_ type: GGMLType, _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, length: Int) -> (Double, Double) {
        var total = 0.0, magnitude = 0.0
        switch type {
        case .q8_0, .q5_0:
            var wf = [Float](repeating: 0, count: length), xf = wf
            Quant.dequantizeRowReference(type, w, count: length, into: &wf)     // d * q: exact in f32
            Quant.dequantizeRowReference(.q8_0, a, count: length, into: &xf)
            for i in 0..<length { total += Double(wf[i]) * Double(xf[i]); magnitude += abs(Double(wf[i]) * Double(xf[i])) }
        case .q4_K:
            for b in 0..<length / 256 {
                let wb = w + 144 * b, ab = a + 292 * b
                let d = Double(Quant.f16(wb, 0)), dmin = Double(Quant.f16(wb, 2)), da = Double(ab.loadUnaligned(as: Float.self))
                for v in 0..<256 {
                    let (sc, m) = Quant.unpackScalesMins(wb + 4, v / 32)
                    let x = Double(ab.load(fromByteOffset: 4 + v, as: Int8.self))
                    let plus = (d * Double(sc) * Double(Quant.nibbleK(wb + 16, v))) * (da * x), minus = (dmin * Double(m)) * (da * x)
                    total += plus - minus
                    magnitude += abs(plus) + abs(minus)
                }
            }
        default:
            for b in 0..<length / 256 {
                let wb = w + 210 * b, ab = a + 292 * b
                let d = Double(Quant.f16(wb, 208)), da = Double(ab.loadUnaligned(as: Float.self))
                for v in 0..<256 {
                    let sc = Double(wb.load(fromByteOffset: 192 + v / 16, as: Int8.self))
                    let x = Double(ab.load(fromByteOffset: 4 + v, as: Int8.self))
                    let term = (d * sc * Double(Quant.sixBitsQ6_K(wb, v) - 32)) * (da * x)
                    total += term
                    magnitude += abs(term)
                }
            }
        }
        return (total, magnitude)
    }

    struct Case {
        let type: GGMLType
        let rows: Int, cols: Int, length: Int
        let weights: [UInt8], activations: [UInt8]
        var wStride: Int { type.rowBytes(length)! }
        var aStride: Int { Quant.activationRowBytes(for: type, count: length)! }

        init(_ type: GGMLType, rows: Int, cols: Int, length: Int, seed: UInt64) {
            self.type = type; self.rows = rows; self.cols = cols; self.length = length
            var rng = SplitMix64(seed: seed)
            weights = QuantTestData.weights(type, rows: rows, length: length, stride: type.rowBytes(length)!, rng: &rng)
            activations = QuantTestData.activations(for: type, cols: cols, length: length,
                                                    stride: Quant.activationRowBytes(for: type, count: length)!, rng: &rng)
        }

        func withMatrix<R>(_ body: (WeightMatrix, UnsafeRawPointer) -> R) -> R {
            weights.withUnsafeBytes { wp in
                activations.withUnsafeBytes { ap in
                    body(WeightMatrix(type: type, rows: rows, columns: length, data: wp.baseAddress!), ap.baseAddress!)
                }
            }
        }

        /// Rows [rowStart, rowStart + count) of the packed matrix against columns [c0, c0 + nc),
        /// written into a (cols × rows) array at the same places as a whole product.
        func packed(_ p: PackedMatrix, _ a: UnsafeRawPointer, rowStart: Int = 0, count: Int? = nil,
                    c0: Int = 0, nc: Int? = nil, backend: BlockDot.Backend, into out: inout [Float]) {
            let count = count ?? rows, nc = nc ?? cols
            let isK = type.blockSize == 256   // K-quant tiles read their Q8_K blocks directly: no info
            var info = [tern_block_info](repeating: tern_block_info(), count: isK ? 0 : cols * (length / 32))
            if !isK { BlockDot.blockInfo(a, activationStride: aStride, tokens: cols, blocks: length / 32, into: &info) }
            info.withUnsafeBufferPointer { ip in
                out.withUnsafeMutableBufferPointer { op in
                    BlockDot.packedTile(p, rowStart: rowStart, rows: count, activations: a + c0 * aStride,
                                        activationStride: aStride, info: isK ? nil : ip.baseAddress! + c0 * (length / 32), cols: nc,
                                        out: op.baseAddress! + c0 * rows + rowStart, outStride: rows, backend: backend)
                }
            }
        }
    }

    static var backends: [BlockDot.Backend] { BlockDot.usesVNNI ? [.vnni, .swift] : [.swift] }

    /// Packing keeps every value and scale: the packed layout read back equals the file's blocks.
    @Test(arguments: types)
    func packingKeepsEveryValue(type: GGMLType) {
        let length = 3 * type.blockSize
        let t = Case(type, rows: 21, cols: 1, length: length, seed: 5)
        t.withMatrix { w, _ in
            let p = PackedMatrix(w)
            #expect(p.groups == 2 && p.groupStride == 3 * p.blockBytes)
            var row = [Float](repeating: 0, count: length)
            for r in 0..<21 {
                Quant.dequantizeRowReference(type, w.row(r), count: length, into: &row)
                #expect(p.dequantizedRow(r) == row, "\(type) row \(r)")
            }
        }
    }

    /// Each output is the exact dot product of the quantized values: for Q8_0/Q5_0 (block terms
    /// exact in double) rounded once to f32, bit for bit; for the K-quants (f32 accumulation)
    /// within f32 rounding of each super-block's two terms and of the running sums.
    @Test(arguments: types)
    func outputsAreTheExactDotRounded(type: GGMLType) {
        let shapes = [(16, 1), (37, 5), (5, 11), (48, 9)]
        for ((rows, cols), length) in zip(shapes, Self.lengths(type)) {
            let t = Case(type, rows: rows, cols: cols, length: length, seed: UInt64(rows * 1000 + cols))
            t.withMatrix { w, a in
                let p = PackedMatrix(w)
                for backend in Self.backends {
                    var out = [Float](repeating: .nan, count: cols * rows)
                    t.packed(p, a, backend: backend, into: &out)
                    var worst = 0, worstRelative = 0.0
                    for c in 0..<cols {
                        for r in 0..<rows {
                            let (exact, magnitude) = Self.exactDot(type, w.row(r), a + c * t.aStride, length: length)
                            worst = max(worst, abs(Int(Float(exact).bitPattern) - Int(out[c * rows + r].bitPattern)))
                            // f32: ~4 roundings per super-block (conversion, scale product, fma) on
                            // terms no larger than the magnitude
                            let bound = 6e-8 * Double(4 * (length / 256) + 2) * magnitude
                            worstRelative = max(worstRelative, abs(Double(out[c * rows + r]) - exact) / bound)
                        }
                    }
                    if type.blockSize == 32 {
                        #expect(worst == 0, "\(type) \(rows)x\(cols)x\(length) \(backend): off by \(worst) ulp")
                    } else {
                        #expect(worstRelative <= 1, "\(type) \(rows)x\(cols)x\(length) \(backend): \(worstRelative) of the rounding bound")
                    }
                }
            }
        }
    }

    /// The C kernels and the Swift twin give the same bits.
    @Test(arguments: types)
    func vnniKernelEqualsSwiftTwin(type: GGMLType) throws {
        try #require(BlockDot.usesVNNI, "VNNI kernels not compiled in")
        let t = Case(type, rows: 70, cols: 13, length: 1024, seed: 17)   // 1024: whole blocks of every type
        t.withMatrix { w, a in
            let p = PackedMatrix(w)
            var fast = [Float](repeating: .nan, count: 13 * 70), twin = fast
            t.packed(p, a, backend: .vnni, into: &fast)
            t.packed(p, a, backend: .swift, into: &twin)
            #expect(fast == twin, "\(type)")
        }
    }

    /// Batch invariance: an output does not depend on which rows or columns share its call.
    @Test(arguments: types)
    func outputsDoNotDependOnTheTile(type: GGMLType) {
        let rows = 53, cols = 13
        let t = Case(type, rows: rows, cols: cols, length: 512, seed: 23)
        t.withMatrix { w, a in
            let p = PackedMatrix(w)
            var together = [Float](repeating: .nan, count: cols * rows)
            t.packed(p, a, backend: Self.backends[0], into: &together)
            var pieces = [Float](repeating: .nan, count: cols * rows)
            for c in 0..<cols {
                for start in stride(from: 0, to: rows, by: 16) {
                    t.packed(p, a, rowStart: start, count: min(16, rows - start), c0: c, nc: 1,
                             backend: Self.backends[0], into: &pieces)
                }
            }
            #expect(together == pieces, "\(type)")
            // The padding of the last group is never written: rows stay where they belong.
            #expect(!together.contains { $0.isNaN })
        }
    }

    /// K-quants: the packed kernels (and their twin) take the float steps of the file-layout VNNI
    /// kernels, so their outputs are bit-identical to those (Q8_0/Q5_0 are exact instead). (The
    /// file layout's Swift twins sum in another order: equal only to rounding.)
    @Test(arguments: [GGMLType.q4_K, .q6_K])
    func kQuantsEqualTheFileLayoutKernels(type: GGMLType) throws {
        try #require(BlockDot.usesVNNI, "VNNI kernels not compiled in")
        let rows = 45, cols = 11, length = 1536
        let t = Case(type, rows: rows, cols: cols, length: length, seed: 41)
        t.withMatrix { w, a in
            let p = PackedMatrix(w)
            for backend in Self.backends {
                var packed = [Float](repeating: .nan, count: cols * rows), file = packed
                t.packed(p, a, backend: backend, into: &packed)
                BlockDot.tile(type, weights: w.data, weightStride: t.wStride, rows: rows, activations: a,
                              activationStride: t.aStride, cols: cols, length: length, out: &file, outStride: rows,
                              backend: .vnni)
                #expect(packed == file, "\(type) \(backend)")
            }
        }
    }

    /// Matmul uses the packed copy and gives the file layout's tile results within rounding.
    @Test(arguments: types)
    func matmulUsesThePackedCopy(type: GGMLType) throws {
        try #require(PackedMatrix.isEnabled, "packing is off on this machine")
        let rows = 100, tokens = 6, length = 512
        var rng = SplitMix64(seed: 31)
        let wBytes = QuantTestData.weights(type, rows: rows, length: length, stride: type.rowBytes(length)!, rng: &rng)
        let x = FloatBuffer(count: tokens * length)
        for i in 0..<tokens * length { x.pointer[i] = Float.random(in: -2...2, using: &rng) }
        let pool = ThreadPool(threadCount: 2)
        var plain = [Float](repeating: .nan, count: tokens * rows), packed = plain
        wBytes.withUnsafeBytes { wp in
            let w = WeightMatrix(type: type, rows: rows, columns: length, data: wp.baseAddress!)
            let wPacked = w.packedForProducts()
            #expect(wPacked.packed != nil)
            let input = MatmulInput(maxTokens: tokens, maxColumns: length)
            input.set(x.pointer, tokens: tokens, columns: length)
            Matmul.multiply(w, input, into: &plain, pool: pool)
            Matmul.multiply(wPacked, input, into: &packed, pool: pool)
        }
        for i in plain.indices {
            #expect(abs(plain[i] - packed[i]) <= 1e-4 * max(1, abs(plain[i])), "\(type) output \(i)")
        }
    }
}
