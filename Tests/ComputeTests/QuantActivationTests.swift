import Testing
@testable import Compute
import TestSupport

/// Activation quantization on hand-checked blocks, and fast == reference on random rows.
@Suite struct QuantActivationTests {
    static func quantize(_ x: [Float], for weightType: GGMLType, fast: Bool = true) -> [UInt8] {
        var out = [UInt8](repeating: 0xAA, count: Quant.activationRowBytes(for: weightType, count: x.count)!)
        if fast { Quant.quantizeActivationRow(x, count: x.count, for: weightType, into: &out) }
        else { Quant.quantizeActivationRowReference(x, count: x.count, for: weightType, into: &out) }
        return out
    }

    static func int8s(_ b: [UInt8], _ range: Range<Int>) -> [Int] { b[range].map { Int(Int8(bitPattern: $0)) } }
    static func f16(_ b: [UInt8], _ at: Int) -> Float { Half.f16ToFloat(UInt16(b[at]) | UInt16(b[at + 1]) << 8) }

    @Test func activationTypesFollowGGML() {
        #expect(Quant.activationType(for: .q4_0) == .q8_0)
        #expect(Quant.activationType(for: .q5_0) == .q8_0)
        #expect(Quant.activationType(for: .q8_0) == .q8_0)
        #expect(Quant.activationType(for: .q4_1) == .q8_1)
        #expect(Quant.activationType(for: .q5_1) == .q8_1)
        #expect(Quant.activationType(for: .q4_K) == .q8_K)
        #expect(Quant.activationType(for: .q5_K) == .q8_K)
        #expect(Quant.activationType(for: .q6_K) == .q8_K)
        #expect(Quant.activationType(for: .f16) == .f32)
        #expect(Quant.activationType(for: .q2_K) == nil)
        #expect(Quant.activationRowBytes(for: .q4_K, count: 512) == 584)
        #expect(Quant.activationRowBytes(for: .q4_K, count: 96) == nil)
    }

    /// max |x| = 127 makes the scale exactly 1, so q = round(x): ties go to even (x86 llama.cpp).
    @Test(arguments: [false, true])
    func q8_0RoundsTiesToEven(_ fast: Bool) {
        var x = [Float](repeating: 0, count: 32)
        x[0] = 127; x[1] = 0.5; x[2] = 1.5; x[3] = 2.5; x[4] = -0.5; x[5] = -2.5; x[6] = -3.5; x[7] = 0.49
        let b = Self.quantize(x, for: .q8_0, fast: fast)
        #expect(Self.f16(b, 0) == 1)
        #expect(Self.int8s(b, 2..<10) == [127, 0, 2, 2, 0, -2, -4, 0])
    }

    /// d = amax/127 (f16), q = round(x * 127/amax); Q8_1 adds s = d * sum(q) (f16).
    @Test(arguments: [false, true])
    func q8_1StoresScaledSum(_ fast: Bool) {
        var x = [Float](repeating: 0, count: 64)
        x[0] = -2; x[1] = 1; x[2] = 0.5           // block 0: amax 2, 127/amax = 63.5
        for j in 32..<64 { x[j] = 0.25 }          // block 1: all equal: q = 127 each
        let b = Self.quantize(x, for: .q4_1, fast: fast)
        #expect(b.count == 72)
        #expect(Self.f16(b, 0) == Half.f16ToFloat(Half.floatToF16(2 / 127)))
        #expect(Self.int8s(b, 4..<8) == [-127, 64, 32, 0])   // 63.5 -> 64 (tie to even), 31.75 -> 32
        #expect(Self.f16(b, 2) == Half.f16ToFloat(Half.floatToF16(2 / 127 * Float(-127 + 64 + 32))))
        #expect(Self.int8s(b, 40..<72) == [Int](repeating: 127, count: 32))
        #expect(Self.f16(b, 38) == Half.f16ToFloat(Half.floatToF16(0.25 / 127 * 127 * 32)))
    }

    /// Q8_K takes the first value of largest magnitude with its sign: iscale = -127/max, so that
    /// value becomes -127, and d = 1/iscale can be negative. bsums are per 16 values.
    @Test(arguments: [false, true])
    func q8_KUsesFirstSignedMaximum(_ fast: Bool) {
        var x = [Float](repeating: 0, count: 512)
        x[3] = 5; x[100] = -5; x[17] = 2.5        // block 0: first max is +5
        x[256 + 7] = -4; x[256 + 8] = 4; x[256 + 9] = 1  // block 1: first max is -4
        let b = Self.quantize(x, for: .q4_K, fast: fast)
        let d0 = b.withUnsafeBytes { $0.loadUnaligned(as: Float.self) }
        let d1 = b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 292, as: Float.self) }
        #expect(d0 == 1 / (-127 / Float(5)))
        #expect(d0 < 0 && d1 > 0)
        #expect(Self.int8s(b, 4..<260)[3] == -127 && Self.int8s(b, 4..<260)[100] == 127)
        #expect(Self.int8s(b, 4..<260)[17] == Int((-127 / Float(5) * 2.5).rounded(.toNearestOrEven)))
        let bsums = b.withUnsafeBytes { p in (0..<16).map { Int(p.loadUnaligned(fromByteOffset: 260 + 2 * $0, as: Int16.self)) } }
        #expect(bsums[0] == -127)                               // values 0..<16: x[3]
        #expect(bsums[1] == Self.int8s(b, 4..<260)[17])          // values 16..<32: x[17]
        #expect(bsums[6] == 127)                                // values 96..<112: x[100]
        #expect(bsums[2...5].allSatisfy { $0 == 0 } && bsums[7...].allSatisfy { $0 == 0 })
        let q1 = Self.int8s(b, 296..<552)
        #expect(q1[7] == -127 && q1[8] == 127 && q1[9] == Int((127 / Float(4)).rounded(.toNearestOrEven)))
    }

    @Test(arguments: [false, true])
    func allZeroBlocksQuantizeToZero(_ fast: Bool) {
        for type in [GGMLType.q8_0, .q4_1, .q4_K] {
            let b = Self.quantize([Float](repeating: 0, count: 256), for: type, fast: fast)
            #expect(b.allSatisfy { $0 == 0 }, "\(type)")
        }
    }

    @Test(arguments: [GGMLType.q8_0, .q4_1, .q6_K, .f16])
    func fastEqualsReferenceOnRandomRows(_ weightType: GGMLType) {
        var rng = SplitMix64(seed: 11)
        for scale: Float in [1e-3, 1, 300] {
            let x = (0..<4864).map { _ in Float.random(in: -scale...scale, using: &rng) }
            #expect(Self.quantize(x, for: weightType) == Self.quantize(x, for: weightType, fast: false), "\(weightType) scale \(scale)")
        }
    }
}

@Suite struct QuantHalfTests {
    @Test func f16RoundTripsAndRoundsToNearestEven() {
        #expect(Half.floatToF16(1) == 0x3C00)
        #expect(Half.f16ToFloat(0x3C00) == 1)
        #expect(Half.floatToF16(65504) == 0x7BFF)
        #expect(Half.floatToF16(1e6) == 0x7C00)               // overflow to +inf
        #expect(Half.f16ToFloat(0x0001) == Float(sign: .plus, exponent: -24, significand: 1)) // subnormal
        // 1 + 2^-11 lies halfway between 1 and the next f16 (1 + 2^-10): ties to even -> 1
        #expect(Half.floatToF16(1 + Float(sign: .plus, exponent: -11, significand: 1)) == 0x3C00)
        #expect(Half.floatToF16(1 + 3 * Float(sign: .plus, exponent: -11, significand: 1)) == 0x3C02)
        #expect(Half.f16ToFloat(Half.floatToF16(.nan)).isNaN)
    }

    @Test func bf16RoundsToNearestEvenAndKeepsNaN() {
        #expect(Half.floatToBF16(1) == 0x3F80)
        #expect(Half.bf16ToFloat(0x3F80) == 1)
        #expect(Half.floatToBF16(Float(bitPattern: 0x3F80_8000)) == 0x3F80) // tie, even stays
        #expect(Half.floatToBF16(Float(bitPattern: 0x3F81_8000)) == 0x3F82) // tie, odd rounds up
        #expect(Half.floatToBF16(Float(bitPattern: 0x3F80_8001)) == 0x3F81)
        #expect(Half.floatToBF16(Float(bitPattern: 0x7F80_0001)) == 0x7FC0) // signalling NaN -> quiet
        #expect(Half.floatToBF16(.infinity) == 0x7F80)
    }

    @Test func rowConversionsEqualScalar() {
        var rng = SplitMix64(seed: 3)
        let n = 100   // 6 vectors of 16 and a tail of 4
        var x = (0..<n).map { _ in Float.random(in: -70000...70000, using: &rng) }
        x[5] = .nan; x[6] = -0.0; x[7] = .infinity; x[8] = 1e-8
        var h = [UInt16](repeating: 0, count: n), b = h
        var hf = [Float](repeating: 0, count: n), bf = hf
        Half.floatToF16(x, count: n, into: &h)
        Half.floatToBF16(x, count: n, into: &b)
        Half.f16ToFloat(h, count: n, into: &hf)
        Half.bf16ToFloat(b, count: n, into: &bf)
        for i in 0..<n {
            #expect(h[i] == Half.floatToF16(x[i]) || (x[i].isNaN && Half.f16ToFloat(h[i]).isNaN), "f16 [\(i)]")
            #expect(b[i] == Half.floatToBF16(x[i]), "bf16 [\(i)]")
            #expect(hf[i].bitPattern == Half.f16ToFloat(h[i]).bitPattern, "f16 -> f32 [\(i)]")
            #expect(bf[i].bitPattern == Half.bf16ToFloat(b[i]).bitPattern, "bf16 -> f32 [\(i)]")
        }
    }
}
