import Compute
import Foundation
import Testing
import TestSupport

/// The model-file quantizer (`Quant.quantizeRow`): ggml's `quantize_row_q8_0_ref` on hand-checked
/// blocks, against Compute's dequantizer on random rows, and byte for byte against gguf-py (the
/// converter's quantizer) when it is installed.
@Suite struct QuantizeTests {
    static func quantize(_ x: [Float], _ type: GGMLType = .q8_0) -> [UInt8] {
        var out = [UInt8](repeating: 0xAA, count: type.rowBytes(x.count)!)
        x.withUnsafeBufferPointer { src in out.withUnsafeMutableBytes { Quant.quantizeRow(type, src.baseAddress!, count: x.count, into: $0.baseAddress!) } }
        return out
    }

    static func dequantize(_ b: [UInt8], _ type: GGMLType, count: Int) -> [Float] {
        var out = [Float](repeating: .nan, count: count)
        b.withUnsafeBytes { src in Quant.dequantizeRowReference(type, src.baseAddress!, count: count, into: &out) }
        return out
    }

    /// max |x| = 127 makes d = 1 exactly, so q = roundf(x): halfway cases go away from zero
    /// (C's roundf), unlike the activation quantizer's ties to even.
    @Test func q8_0RoundsHalfwayAwayFromZero() {
        var x = [Float](repeating: 0, count: 32)
        x[0] = 127; x[1] = 0.5; x[2] = 1.5; x[3] = 2.5; x[4] = -0.5; x[5] = -2.5; x[6] = -3.5; x[7] = 0.49; x[8] = -127
        let b = Self.quantize(x)
        #expect(Half.f16ToFloat(UInt16(b[0]) | UInt16(b[1]) << 8) == 1)
        #expect(b[2..<11].map { Int(Int8(bitPattern: $0)) } == [127, 1, 2, 3, -1, -3, -4, 0, -127])
    }

    @Test func q8_0OfZerosIsZero() {
        let b = Self.quantize([Float](repeating: 0, count: 64))
        #expect(b.allSatisfy { $0 == 0 })
        #expect(Self.dequantize(b, .q8_0, count: 64).allSatisfy { $0 == 0 })
    }

    /// Every value comes back within half a step plus the f16 rounding of the scale:
    /// |x − q·d₁₆| ≤ d/2 + 127·|d − d₁₆|, and the block's largest value maps to ±127.
    @Test func q8_0RoundTripsThroughTheDequantizer() {
        var rng = SplitMix64(seed: 7)
        for scale: Float in [1e-4, 0.02, 1, 300] {
            let x = rng.floats(32 * 64).map { $0 * scale }
            let b = Self.quantize(x)
            let y = Self.dequantize(b, .q8_0, count: x.count)
            for block in 0..<64 {
                let xs = x[32 * block..<32 * block + 32]
                let amax = xs.map(abs).max()!, d = amax / 127
                let d16 = Half.f16ToFloat(UInt16(b[34 * block]) | UInt16(b[34 * block + 1]) << 8)
                #expect(d16 == Half.f16ToFloat(Half.floatToF16(d)))
                let qs = b[34 * block + 2..<34 * block + 34].map { Int(Int8(bitPattern: $0)) }
                #expect(qs.map(abs).max() == 127)
                for j in 0..<32 {
                    let bound = d / 2 * 1.0001 + 127 * abs(d - d16)
                    #expect(abs(xs[xs.startIndex + j] - y[32 * block + j]) <= bound, "scale \(scale) block \(block) value \(j)")
                }
            }
        }
    }

    @Test func f16AndBF16RoundToNearest() {
        let x: [Float] = [1, -2.5, 65504, 1e-8, 0.1, 3.14159]
        #expect(Self.dequantize(Self.quantize(x, .f16), .f16, count: x.count) == x.map { Float(Float16($0)) })
        #expect(Self.dequantize(Self.quantize(x, .bf16), .bf16, count: x.count) == x.map { Half.bf16ToFloat(Half.floatToBF16($0)) })
        #expect(Self.dequantize(Self.quantize(x, .f32), .f32, count: x.count) == x)
    }

    /// gguf-py's `quants.quantize(…, Q8_0)` is what llama.cpp's converter writes (bit-exact with
    /// ggml's reference); the same rows must give the same bytes. Needs numpy and gguf in the
    /// reference venv (skipped otherwise).
    @Test(.enabled(if: ReferencePython.hasModule("gguf"), "gguf-py (the llama.cpp converter's package) is not installed"))
    func q8_0MatchesGGUFPy() throws {
        var rng = SplitMix64(seed: 11)
        var x = rng.floats(32 * 256).map { $0 * 0.05 }
        // Exact halfway cases and zero blocks too.
        for j in 0..<32 { x[j] = Float(j - 16) * 0.5; x[32 + j] = 0 }
        x[0] = 127 / 16 * 8
        let input = ExportTestModels.uniquePath("q8-input.f32"), output = ExportTestModels.uniquePath("q8-output.bin")
        try x.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: input)) }
        let script = """
            import sys, numpy as np
            from gguf import quants, GGMLQuantizationType
            x = np.fromfile(sys.argv[1], dtype=np.float32).reshape(-1, 32)
            quants.quantize(x, GGMLQuantizationType.Q8_0).tofile(sys.argv[2])
            """
        let run = try Subprocess.run(ReferencePython.path, ["-c", script, input, output], timeout: 120)
        #expect(run.status == 0, "\(run.stderr)")
        let reference = [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
        #expect(reference == Self.quantize(x))
    }
}
