import Testing
@testable import Compute
import TestSupport

/// The matmul driver (activation quantization cached per type, row chunks across threads, the
/// output layout) against the plain reference: each activation row quantized by the reference
/// quantizer, each output the reference dot product.
@Suite struct MatmulTests {
    static let types: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q5_K, .q6_K]

    @Test(arguments: types, [1, 3, 17])
    func multiplyMatchesReference(type: GGMLType, tokens: Int) {
        var rng = SplitMix64(seed: UInt64(type.rawValue) * 31 + UInt64(tokens))
        let columns = 512, rows = 203   // rows: not a multiple of any chunk size
        let w = QuantTestData.weights(type, rows: rows, length: columns, stride: type.rowBytes(columns)!, rng: &rng)
        let x = (0..<tokens * columns).map { _ in Float.random(in: -2...2, using: &rng) }
        for threads in [1, 2, 3] {
            let pool = ThreadPool(threadCount: threads)
            var out = [Float](repeating: .nan, count: tokens * rows)
            w.withUnsafeBytes { wb in
                x.withUnsafeBufferPointer { xb in
                    let matrix = WeightMatrix(type: type, rows: rows, columns: columns, data: wb.baseAddress!)
                    let input = MatmulInput(maxTokens: tokens, maxColumns: columns)
                    input.set(xb.baseAddress!, tokens: tokens, columns: columns)
                    Matmul.multiply(matrix, input, into: &out, pool: pool)
                }
            }
            let want = reference(type, w, x, rows: rows, columns: columns, tokens: tokens)
            let worst = zip(out, want).map { abs($0 - $1) / max(1, abs($1)) }.max()!
            #expect(worst < 1e-4, "\(type) tokens \(tokens) threads \(threads): worst relative error \(worst)")
        }
    }

    /// The same input feeds matrices of different vec-dot types (Q, K, V with Q5_0 and Q8_0 or
    /// Q4_K and Q6_K): each gets its own quantization of it.
    @Test func oneInputServesSeveralActivationTypes() {
        var rng = SplitMix64(seed: 99)
        let columns = 256, rows = 40, tokens = 5
        let x = (0..<tokens * columns).map { _ in Float.random(in: -1...1, using: &rng) }
        let pool = ThreadPool(threadCount: 2)
        let input = MatmulInput(maxTokens: tokens, maxColumns: columns)
        x.withUnsafeBufferPointer { xb in
            input.set(xb.baseAddress!, tokens: tokens, columns: columns)
            for type in [GGMLType.q5_0, .q4_K, .q4_1, .f32, .q8_0, .q6_K] {
                let w = QuantTestData.weights(type, rows: rows, length: columns, stride: type.rowBytes(columns)!, rng: &rng)
                var out = [Float](repeating: .nan, count: tokens * rows)
                w.withUnsafeBytes { wb in
                    Matmul.multiply(WeightMatrix(type: type, rows: rows, columns: columns, data: wb.baseAddress!), input,
                                    into: &out, pool: pool)
                }
                let want = reference(type, w, x, rows: rows, columns: columns, tokens: tokens)
                #expect(zip(out, want).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) }, "\(type)")
            }
        }
    }

    /// out (tokens, rows) from the reference quantizer and the reference dot product.
    func reference(_ type: GGMLType, _ w: [UInt8], _ x: [Float], rows: Int, columns: Int, tokens: Int) -> [Float] {
        let actBytes = Quant.activationRowBytes(for: type, count: columns)!
        var q = [UInt8](repeating: 0, count: tokens * actBytes)
        q.withUnsafeMutableBytes { qb in
            for t in 0..<tokens {
                Array(x[t * columns..<(t + 1) * columns]).withUnsafeBufferPointer {
                    Quant.quantizeActivationRowReference($0.baseAddress!, count: columns, for: type, into: qb.baseAddress! + t * actBytes)
                }
            }
        }
        var out = [Float](repeating: 0, count: tokens * rows)
        w.withUnsafeBytes { wb in
            q.withUnsafeBytes { qb in
                BlockDot.tileReference(type, weights: wb.baseAddress!, weightStride: type.rowBytes(columns)!, rows: rows,
                                       activations: qb.baseAddress!, activationStride: actBytes, cols: tokens,
                                       length: columns, out: &out, outStride: rows)
            }
        }
        return out
    }
}
