import Testing
@testable import Compute
import TestSupport

/// The fast tiles (C VNNI micro-kernels and their Swift twins) against the scalar reference.
@Suite struct QuantTileTests {
    static let quantizedTypes: [GGMLType] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K]
    static let allTypes: [GGMLType] = quantizedTypes + [.f32, .f16, .bf16]

    /// The backends to hold equal to the reference: the Swift twins always, VNNI when compiled in.
    static var backends: [BlockDot.Backend] { BlockDot.usesVNNI ? [.vnni, .swift] : [.swift] }

    struct Result {
        var fast: [Float]
        var reference: [Float]
        /// Per output, sum |w_j * x_j| over the dequantized values: the scale of rounding errors.
        var magnitude: [Double]
    }

    /// Runs one tile with unaligned strides (row bytes + 3 / + 5) and an output stride > rows.
    static func run(_ type: GGMLType, rows: Int, cols: Int, length: Int, backend: BlockDot.Backend,
                    exact: Bool = false, seed: UInt64) -> Result {
        var rng = SplitMix64(seed: seed)
        let wStride = type.rowBytes(length)! + 3
        let aStride = Quant.activationRowBytes(for: type, count: length)! + 5
        let outStride = rows + 2
        let w = QuantTestData.weights(type, rows: rows, length: length, stride: wStride, unitScales: exact, rng: &rng)
        let a = QuantTestData.activations(for: type, cols: cols, length: length, stride: aStride, small: exact, rng: &rng)
        var fast = [Float](repeating: .nan, count: cols * outStride)
        var reference = fast
        var magnitude = [Double](repeating: 0, count: cols * outStride)
        w.withUnsafeBytes { wp in
            a.withUnsafeBytes { ap in
                BlockDot.tile(type, weights: wp.baseAddress!, weightStride: wStride, rows: rows,
                              activations: ap.baseAddress!, activationStride: aStride, cols: cols,
                              length: length, out: &fast, outStride: outStride, backend: backend)
                BlockDot.tileReference(type, weights: wp.baseAddress!, weightStride: wStride, rows: rows,
                                       activations: ap.baseAddress!, activationStride: aStride, cols: cols,
                                       length: length, out: &reference, outStride: outStride)
                var wf = [Float](repeating: 0, count: length), xf = wf
                for c in 0..<cols {
                    dequantizeActivation(type, ap.baseAddress! + c * aStride, length, &xf)
                    for r in 0..<rows {
                        Quant.dequantizeRowReference(type, wp.baseAddress! + r * wStride, count: length, into: &wf)
                        magnitude[c * outStride + r] = zip(wf, xf).reduce(0) { $0 + abs(Double($1.0) * Double($1.1)) }
                    }
                }
            }
        }
        return Result(fast: fast, reference: reference, magnitude: magnitude)
    }

    /// The values of an activation row for `weightType` weights.
    static func dequantizeActivation(_ weightType: GGMLType, _ p: UnsafeRawPointer, _ n: Int, _ x: inout [Float]) {
        switch Quant.activationType(for: weightType)! {
        case .q8_0: Quant.dequantizeRowReference(.q8_0, p, count: n, into: &x)
        case .q8_1:
            for j in 0..<n { x[j] = Quant.f16(p, 36 * (j / 32)) * Float(p.load(fromByteOffset: 36 * (j / 32) + 4 + j % 32, as: Int8.self)) }
        case .q8_K:
            for j in 0..<n { x[j] = p.loadUnaligned(fromByteOffset: 292 * (j / 256), as: Float.self) * Float(p.load(fromByteOffset: 292 * (j / 256) + 4 + j % 256, as: Int8.self)) }
        default:
            for j in 0..<n { x[j] = p.loadUnaligned(fromByteOffset: 4 * j, as: Float.self) }
        }
    }

    /// Outputs agree to f32 rounding of sums of `blocks` terms; padding stays untouched.
    static func expectClose(_ r: Result, rows: Int, cols: Int, blocks: Int, _ context: String) {
        let outStride = rows + 2
        for c in 0..<cols {
            for r0 in 0..<outStride {
                let i = c * outStride + r0
                if r0 >= rows {
                    #expect(r.fast[i].isNaN, "\(context): wrote outside the tile at r=\(r0) c=\(c)")
                    continue
                }
                let tolerance = 2e-7 * Double(blocks + 64) * r.magnitude[i] + 1e-30
                #expect(abs(Double(r.fast[i]) - Double(r.reference[i])) <= tolerance,
                        "\(context): r=\(r0) c=\(c) fast \(r.fast[i]) reference \(r.reference[i])")
            }
        }
    }

    @Test(arguments: allTypes)
    func edgeShapesMatchReference(_ type: GGMLType) {
        var seed: UInt64 = 1
        for backend in Self.backends {
            for rows in [1, 3, 5, 17] {
                for cols in [1, 2, 7, 16] {
                    for blocks in 1...4 {
                        let length = blocks * (type.blockSize == 1 ? 32 : type.blockSize) + (type.blockSize == 1 ? blocks : 0)
                        seed += 1
                        let r = Self.run(type, rows: rows, cols: cols, length: length, backend: backend, seed: seed)
                        Self.expectClose(r, rows: rows, cols: cols, blocks: length / max(type.blockSize, 32) + 1,
                                         "\(type) \(backend) \(rows)x\(cols) length \(length)")
                    }
                }
            }
        }
    }

    @Test(arguments: allTypes)
    func longRowsMatchReference(_ type: GGMLType) {
        for backend in Self.backends {
            for (rows, cols) in [(5, 1), (3, 7), (8, 16)] {
                let r = Self.run(type, rows: rows, cols: cols, length: 4864, backend: backend, seed: 99)
                Self.expectClose(r, rows: rows, cols: cols, blocks: 4864 / 32, "\(type) \(backend) \(rows)x\(cols) length 4864")
            }
        }
    }

    /// With unit scales and small activations every float in the computation is an integer below
    /// 2^24, so any summation order gives the same result: the integer parts must agree exactly.
    @Test(arguments: quantizedTypes)
    func integerPartsAreExact(_ type: GGMLType) {
        for backend in Self.backends {
            for (rows, cols, length) in [(5, 7, 4 * type.blockSize), (17, 3, 1024), (3, 16, type.blockSize)] {
                let r = Self.run(type, rows: rows, cols: cols, length: length, backend: backend, exact: true, seed: 7)
                for c in 0..<cols {
                    for row in 0..<rows {
                        let i = c * (rows + 2) + row
                        #expect(r.fast[i] == r.reference[i], "\(type) \(backend) r=\(row) c=\(c)")
                        #expect(r.reference[i] == r.reference[i].rounded(), "\(type): not an integer")
                    }
                }
            }
        }
    }
}

/// The semantics of the quantized dot: against the exact f64 dot of the dequantized weights with
/// the unquantized activations, the error is the activations' rounding, at most half a
/// quantization step per value: sum_j |w_j| * d_block(j) / 2.
@Suite struct QuantDotSemanticsTests {
    @Test(arguments: QuantTileTests.allTypes)
    func dotApproximatesExactDotWithinActivationRounding(_ type: GGMLType) {
        var rng = SplitMix64(seed: 42)
        let length = 2048, rows = 6
        let wStride = type.rowBytes(length)!
        let w = QuantTestData.weights(type, rows: rows, length: length, stride: wStride, rng: &rng)
        let x = (0..<length).map { _ in Float.random(in: -3...3, using: &rng) * (Bool.random(using: &rng) ? 1 : 0.01) }
        var acts = [UInt8](repeating: 0, count: Quant.activationRowBytes(for: type, count: length)!)
        Quant.quantizeActivationRow(x, count: length, for: type, into: &acts)
        var out = [Float](repeating: 0, count: rows)
        w.withUnsafeBytes { wp in
            acts.withUnsafeBytes { ap in
                BlockDot.tile(type, weights: wp.baseAddress!, weightStride: wStride, rows: rows,
                              activations: ap.baseAddress!, activationStride: 0, cols: 1,
                              length: length, out: &out, outStride: rows)
            }
        }
        let block = Quant.activationType(for: type)!.blockSize
        var wf = [Float](repeating: 0, count: length)
        for r in 0..<rows {
            w.withUnsafeBytes { Quant.dequantizeRowReference(type, $0.baseAddress! + r * wStride, count: length, into: &wf) }
            var exact = 0.0, bound = 0.0, magnitude = 0.0
            for b in 0..<length / block {
                let amax = (b * block..<(b + 1) * block).map { Double(abs(x[$0])) }.max()!
                let halfStep = block == 1 ? 0 : amax / 127 / 2 * 1.001   // f16 scale rounding
                for j in b * block..<(b + 1) * block {
                    exact += Double(wf[j]) * Double(x[j])
                    bound += Double(abs(wf[j])) * halfStep
                    magnitude += abs(Double(wf[j]) * Double(x[j]))
                }
            }
            let tolerance = bound + 1e-5 * magnitude
            #expect(abs(Double(out[r]) - exact) <= tolerance, "\(type) row \(r): \(out[r]) vs exact \(exact) (bound \(tolerance))")
            // and the bound is meaningful: far below the size of the result's terms
            #expect(tolerance < 0.05 * magnitude, "\(type): bound \(tolerance) vs magnitude \(magnitude)")
        }
    }
}

/// The C micro-kernels and their Swift twins side by side on the same data.
@Suite struct QuantTwinTests {
    @Test(.enabled(if: BlockDot.usesVNNI, "VNNI kernels not compiled in: nothing to compare"),
          arguments: QuantTileTests.quantizedTypes)
    func vnniKernelsEqualSwiftTwins(_ type: GGMLType) throws {
        for exact in [true, false] {
            // cols 5 and 12: K-quant prefill tiles of 8 columns, then a remainder of 4 columns
            for (rows, cols, length) in [(7, 5, 4 * type.blockSize), (4, 4, 4864 / type.blockSize * type.blockSize),
                                         (3, 12, 8 * type.blockSize)] {
                let c = QuantTileTests.run(type, rows: rows, cols: cols, length: length, backend: .vnni, exact: exact, seed: 17)
                let s = QuantTileTests.run(type, rows: rows, cols: cols, length: length, backend: .swift, exact: exact, seed: 17)
                for i in 0..<c.fast.count where !c.fast[i].isNaN || !s.fast[i].isNaN {
                    if exact {
                        #expect(c.fast[i] == s.fast[i], "\(type) [\(i)]: C \(c.fast[i]) Swift \(s.fast[i])")
                    } else {
                        #expect(abs(Double(c.fast[i]) - Double(s.fast[i])) <= 2e-7 * Double(length / 32 + 64) * c.magnitude[i],
                                "\(type) [\(i)]: C \(c.fast[i]) Swift \(s.fast[i])")
                    }
                }
            }
        }
    }
}

/// Batch invariance: a column's results do not depend on how many other columns share its tile
/// (1 in a matrix-vector product, up to 8 in a prefill tile), bit for bit. Continuous batching
/// relies on it to give a request the same tokens alone or among others. (Float weights are not
/// invariant yet: their matrix-vector path sums in another order than their tiles.)
@Suite struct BatchInvarianceTests {
    @Test(arguments: QuantTileTests.quantizedTypes)
    func columnResultsDoNotDependOnTheTileWidth(type: GGMLType) {
        let rows = 7, length = 512, cols = 13
        var rng = SplitMix64(seed: 99)
        let wStride = type.rowBytes(length)!, aStride = Quant.activationRowBytes(for: type, count: length)!
        let w = QuantTestData.weights(type, rows: rows, length: length, stride: wStride, unitScales: false, rng: &rng)
        let a = QuantTestData.activations(for: type, cols: cols, length: length, stride: aStride, small: false, rng: &rng)
        var together = [Float](repeating: .nan, count: cols * rows)
        var alone = together
        w.withUnsafeBytes { wp in
            a.withUnsafeBytes { ap in
                BlockDot.tile(type, weights: wp.baseAddress!, weightStride: wStride, rows: rows,
                              activations: ap.baseAddress!, activationStride: aStride, cols: cols,
                              length: length, out: &together, outStride: rows)
                for c in 0..<cols {
                    alone.withUnsafeMutableBufferPointer { out in
                        BlockDot.tile(type, weights: wp.baseAddress!, weightStride: wStride, rows: rows,
                                      activations: ap.baseAddress! + c * aStride, activationStride: aStride, cols: 1,
                                      length: length, out: out.baseAddress! + c * rows, outStride: rows)
                    }
                }
            }
        }
        #expect(together == alone, "\(type)")
    }
}
