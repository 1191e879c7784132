/// A pseudorandom permutation of `0..<count` chosen by (seed, epoch), evaluated one position at
/// a time in O(1) memory: nothing of size `count` is ever materialized, so billions of windows
/// cost nothing to shuffle.
///
/// Construction: a balanced Feistel network (6 rounds, SplitMix64 round function) is a
/// bijection on `0..<2^(2h)`, the smallest even-bit domain that covers `count` (at most 4×
/// larger). Cycle walking — apply it again while the value is `>= count` — restricts it to a
/// bijection on `0..<count` (under 4 steps on average). The same (count, seed, epoch) gives the
/// same permutation on every platform.
public struct WindowPermutation: Sendable, Equatable {
    /// The permutation is of `0..<count`.
    public let count: Int
    /// Bits in each Feistel half.
    private let halfBits: Int
    private let roundKeys: [UInt64]
    static let rounds = 6

    /// The permutation of `0..<count` for `epoch` of the stream keyed by `seed`.
    public init(count: Int, seed: UInt64, epoch: Int) {
        precondition(count > 0, "a permutation needs at least one element")
        self.count = count
        var h = 1
        while h < 31 && (1 << (2 * h)) < count { h += 1 }
        halfBits = h
        let base = mix(mix(seed) ^ mix(UInt64(epoch) &+ 0x65_706F_6368))  // "epoch"
        roundKeys = (0..<Self.rounds).map { mix(base &+ UInt64($0)) }
    }

    /// The element at `position` (0..<count); each element appears at exactly one position.
    public subscript(position: Int) -> Int {
        precondition(position >= 0 && position < count, "position \(position) outside 0..<\(count)")
        var x = UInt64(position)
        repeat { x = feistel(x) } while x >= UInt64(count)
        return Int(x)
    }

    private func feistel(_ x: UInt64) -> UInt64 {
        let mask: UInt64 = (1 << UInt64(halfBits)) - 1
        var left = x >> UInt64(halfBits), right = x & mask
        for k in roundKeys {
            (left, right) = (right, left ^ (mix(right ^ k) & mask))
        }
        return left << UInt64(halfBits) | right
    }
}

/// SplitMix64's output function: a fixed bijective mix of 64 bits.
func mix(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
