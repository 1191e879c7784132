import Foundation

/// A seeded pseudo-random generator (SplitMix64): the same seed gives the same initial weights,
/// dropout masks and data order on every machine.
public struct SeededGenerator: RandomNumberGenerator, Codable, Sendable, Equatable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A standard normal sample (Box–Muller in double).
    public mutating func nextNormal() -> Double {
        let u1 = max(nextUnit(), 0x1p-60), u2 = nextUnit()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }
}

extension Tensor {
    /// Fills the value with samples of N(0, std²).
    public func fillNormal(std: Float, _ rng: inout SeededGenerator) {
        for i in 0..<count { value[i] = Float(rng.nextNormal()) * std }
    }

    /// Fills the value with `constant`.
    public func fill(_ constant: Float) { value.pointer.update(repeating: constant, count: count) }
}
