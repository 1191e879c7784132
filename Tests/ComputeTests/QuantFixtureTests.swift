import Foundation
import Testing
@testable import Compute

/// Parity with the real implementations: gguf-py's dequantization, llama.cpp's activation
/// quantization and dot products (fixtures made by scripts/fixtures/make_quant_fixtures.py).
@Suite struct QuantFixtureTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/quant").standardized

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func floats(_ name: String) throws -> [Float] {
        let b = try bytes(name)
        return b.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    static let dequantTypes: [GGMLType] = [.f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K]

    @Test(arguments: dequantTypes)
    func dequantizationMatchesGGUFPy(_ type: GGMLType) throws {
        let raw = try Self.bytes("dequant_\(type).bin")
        let expected = try Self.floats("dequant_\(type).f32")
        var reference = [Float](repeating: .nan, count: expected.count), fast = reference
        raw.withUnsafeBytes { src in
            Quant.dequantizeRowReference(type, src.baseAddress!, count: expected.count, into: &reference)
            Quant.dequantizeRow(type, src.baseAddress!, count: expected.count, into: &fast)
        }
        #expect(reference.map(\.bitPattern) == expected.map(\.bitPattern), "\(type) reference")
        #expect(fast.map(\.bitPattern) == expected.map(\.bitPattern), "\(type) fast")
    }

    static let activationLength = 512, activationRows = 6

    @Test(arguments: [(GGMLType.q8_0, GGMLType.q8_0), (.q4_1, .q8_1), (.q4_K, .q8_K)])
    func activationQuantizationMatchesLlamaCpp(_ weightType: GGMLType, _ activationType: GGMLType) throws {
        let x = try Self.floats("act_input.f32")
        let expected = try Self.bytes("act_\(activationType).bin")
        let rowBytes = Quant.activationRowBytes(for: weightType, count: Self.activationLength)!
        #expect(expected.count == rowBytes * Self.activationRows)
        for row in 0..<Self.activationRows {
            var reference = [UInt8](repeating: 0xAA, count: rowBytes), fast = reference
            x.withUnsafeBufferPointer { xp in
                let input = xp.baseAddress! + row * Self.activationLength
                Quant.quantizeActivationRowReference(input, count: Self.activationLength, for: weightType, into: &reference)
                Quant.quantizeActivationRow(input, count: Self.activationLength, for: weightType, into: &fast)
            }
            let golden = Array(expected[row * rowBytes..<(row + 1) * rowBytes])
            #expect(reference == golden, "\(activationType) reference, row \(row)")
            #expect(fast == golden, "\(activationType) fast, row \(row)")
        }
    }

    /// gguf-py follows ggml's portable reference (ties away from zero); llama.cpp on x86 and Tern
    /// round ties to even. Row 4 of the input is made of exact ties: only there may they differ,
    /// by one, at a tie.
    @Test func q8_0MatchesGGUFPyExceptAtTies() throws {
        let x = try Self.floats("act_input.f32")
        let expected = try Self.bytes("act_Q8_0.gguf.bin")
        let rowBytes = 34 * Self.activationLength / 32
        var mine = [UInt8](repeating: 0, count: rowBytes * Self.activationRows)
        for row in 0..<Self.activationRows {
            x.withUnsafeBufferPointer { xp in
                mine.withUnsafeMutableBytes { dst in
                    Quant.quantizeActivationRow(xp.baseAddress! + row * Self.activationLength, count: Self.activationLength,
                                                for: .q8_0, into: dst.baseAddress! + row * rowBytes)
                }
            }
        }
        var tiesSeen = 0
        for row in 0..<Self.activationRows {
            for b in 0..<Self.activationLength / 32 {
                let base = row * rowBytes + 34 * b
                #expect(mine[base] == expected[base] && mine[base + 1] == expected[base + 1], "scale, row \(row)")
                for j in 0..<32 where mine[base + 2 + j] != expected[base + 2 + j] {
                    let v = x[row * Self.activationLength + 32 * b + j]
                    let ours = Int(Int8(bitPattern: mine[base + 2 + j])), theirs = Int(Int8(bitPattern: expected[base + 2 + j]))
                    #expect(row == 4 && v - v.rounded(.down) == 0.5 && abs(ours - theirs) == 1 && ours % 2 == 0,
                            "row \(row) value \(v): ours \(ours), gguf-py \(theirs)")
                    tiesSeen += 1
                }
            }
        }
        #expect(tiesSeen > 0)
    }

    static let dotRows = 4, dotCols = 3, dotLength = 512

    @Test(arguments: [GGMLType.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K])
    func dotProductsMatchLlamaCpp(_ type: GGMLType) throws {
        let w = try Self.bytes("dot_\(type).w.bin"), a = try Self.bytes("dot_\(type).a.bin")
        let expected = try Self.floats("dot_\(type).f32")
        let wStride = type.rowBytes(Self.dotLength)!
        let aStride = Quant.activationRowBytes(for: type, count: Self.dotLength)!
        #expect(w.count == wStride * Self.dotRows && a.count == aStride * Self.dotCols)

        // Our quantization of the same inputs gives llama.cpp's activation bytes.
        let x = try Self.floats("dot_input.f32")
        var ours = [UInt8](repeating: 0, count: a.count)
        for c in 0..<Self.dotCols {
            x.withUnsafeBufferPointer { xp in
                ours.withUnsafeMutableBytes { dst in
                    Quant.quantizeActivationRow(xp.baseAddress! + c * Self.dotLength, count: Self.dotLength, for: type,
                                                into: dst.baseAddress! + c * aStride)
                }
            }
        }
        #expect(ours == a, "\(type): activation bytes differ from llama.cpp's")

        for backend in QuantTileTests.backends {
            var out = [Float](repeating: .nan, count: Self.dotRows * Self.dotCols), reference = out
            w.withUnsafeBytes { wp in
                a.withUnsafeBytes { ap in
                    BlockDot.tile(type, weights: wp.baseAddress!, weightStride: wStride, rows: Self.dotRows,
                                  activations: ap.baseAddress!, activationStride: aStride, cols: Self.dotCols,
                                  length: Self.dotLength, out: &out, outStride: Self.dotRows, backend: backend)
                    BlockDot.tileReference(type, weights: wp.baseAddress!, weightStride: wStride, rows: Self.dotRows,
                                           activations: ap.baseAddress!, activationStride: aStride, cols: Self.dotCols,
                                           length: Self.dotLength, out: &reference, outStride: Self.dotRows)
                }
            }
            for i in 0..<expected.count {
                // same integers, float sums in another order: agree to a few f32 ulps of the terms
                let tolerance = 1e-5 * max(1, abs(Double(expected[i])))
                #expect(abs(Double(out[i]) - Double(expected[i])) <= tolerance, "\(type) \(backend) [\(i)]: \(out[i]) vs llama.cpp \(expected[i])")
                #expect(abs(Double(reference[i]) - Double(expected[i])) <= tolerance, "\(type) reference [\(i)]: \(reference[i]) vs llama.cpp \(expected[i])")
            }
        }
    }
}
