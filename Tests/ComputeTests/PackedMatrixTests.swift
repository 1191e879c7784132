import Testing
import CTernKernels
@testable import Compute
import TestSupport

/// Q8_0/Q5_0 matrices repacked 16 rows at a time (PackedMatrix) and their x16 kernels.
@Suite struct PackedMatrixTests {
    static let types: [GGMLType] = [.q8_0, .q5_0]

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
            var info = [tern_block_info](repeating: tern_block_info(), count: cols * (length / 32))
            BlockDot.blockInfo(a, activationStride: aStride, tokens: cols, blocks: length / 32, into: &info)
            info.withUnsafeBufferPointer { ip in
                out.withUnsafeMutableBufferPointer { op in
                    BlockDot.packedTile(p, rowStart: rowStart, rows: count, activations: a + c0 * aStride,
                                        activationStride: aStride, info: ip.baseAddress! + c0 * (length / 32), cols: nc,
                                        out: op.baseAddress! + c0 * rows + rowStart, outStride: rows, backend: backend)
                }
            }
        }
    }

    static var backends: [BlockDot.Backend] { BlockDot.usesVNNI ? [.vnni, .swift] : [.swift] }

    /// Packing keeps every value and scale: the packed layout read back equals the file's blocks.
    @Test(arguments: types)
    func packingKeepsEveryValue(type: GGMLType) {
        let t = Case(type, rows: 21, cols: 1, length: 96, seed: 5)
        t.withMatrix { w, _ in
            let p = PackedMatrix(w)
            #expect(p.groups == 2 && p.groupStride == 3 * 16 * type.blockBytes)
            var row = [Float](repeating: 0, count: 96)
            for r in 0..<21 {
                Quant.dequantizeRowReference(type, w.row(r), count: 96, into: &row)
                for b in 0..<3 {
                    let d = p.scale(group: r / 16, block: b, row: r % 16)
                    for i in 0..<32 {
                        let v = Float(p.value(group: r / 16, block: b, row: r % 16, index: i)) * d
                        #expect(v == row[32 * b + i], "\(type) row \(r) value \(32 * b + i)")
                    }
                }
            }
        }
    }

    /// Each output equals the exact dot product of the quantized values rounded once to f32
    /// (computed here in Double from the dequantized file rows and activations).
    @Test(arguments: types)
    func outputsAreTheExactDotRoundedOnce(type: GGMLType) {
        for (rows, cols, length) in [(16, 1, 32), (37, 5, 256), (5, 11, 896), (48, 9, 4864)] {
            let t = Case(type, rows: rows, cols: cols, length: length, seed: UInt64(rows * 1000 + cols))
            t.withMatrix { w, a in
                let p = PackedMatrix(w)
                var wf = [Float](repeating: 0, count: length), xf = wf
                for backend in Self.backends {
                    var out = [Float](repeating: .nan, count: cols * rows)
                    t.packed(p, a, backend: backend, into: &out)
                    var worst = 0
                    for c in 0..<cols {
                        Quant.dequantizeRowReference(.q8_0, a + c * t.aStride, count: length, into: &xf)
                        for r in 0..<rows {
                            Quant.dequantizeRowReference(type, w.row(r), count: length, into: &wf)
                            // Each term w*x is exact in Double (f16-scaled small integers); the sum
                            // of ≤ 4864 of them is within 1e-12 relative of exact.
                            let exact = zip(wf, xf).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                            let ulps = abs(Int(Float(exact).bitPattern) - Int(out[c * rows + r].bitPattern))
                            worst = max(worst, ulps)
                        }
                    }
                    #expect(worst == 0, "\(type) \(rows)x\(cols)x\(length) \(backend): off by \(worst) ulp")
                }
            }
        }
    }

    /// The C kernels and the Swift twin give the same bits.
    @Test(arguments: types)
    func vnniKernelEqualsSwiftTwin(type: GGMLType) throws {
        try #require(BlockDot.usesVNNI, "VNNI kernels not compiled in")
        let t = Case(type, rows: 70, cols: 13, length: 1024, seed: 17)
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

    /// Matmul uses the packed copy and gives the file layout's tile results within rounding.
    @Test(arguments: types)
    func matmulUsesThePackedCopy(type: GGMLType) throws {
        try #require(PackedMatrix.isEnabled, "packing is off on this machine")
        let rows = 100, tokens = 6, length = 256
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
