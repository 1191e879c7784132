/// The part of NumPy's legacy `np.random.RandomState(seed)` that datatrove's MinHash uses:
/// MT19937 seeded with a 32-bit integer (`init_genrand`), and `randint(low, high, dtype=uint64)`
/// drawn by masked rejection (`random_bounded_uint64_fill` with `use_masked=True`), so that the
/// (a, b) permutation parameters come out identical to datatrove's.
public struct NumpyRandomState: Sendable {
    private var mt = [UInt32](repeating: 0, count: 624)
    private var index = 624

    /// `RandomState(seed)` for an integer seed in 0 ..< 2^32.
    public init(seed: UInt32) {
        mt[0] = seed
        for i in 1 ..< 624 {
            mt[i] = 1_812_433_253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i)
        }
    }

    /// The next 32-bit MT19937 output (`genrand_int32`).
    public mutating func nextUInt32() -> UInt32 {
        if index >= 624 { twist() }
        var y = mt[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// The next 64 bits as NumPy's legacy generator forms them: first draw high, second low.
    public mutating func nextUInt64() -> UInt64 {
        let high = UInt64(nextUInt32())
        return high << 32 | UInt64(nextUInt32())
    }

    /// `randint(low, high, size=count, dtype=np.uint64)`: values in low ..< high.
    public mutating func randintUInt64(low: UInt64, high: UInt64, count: Int) -> [UInt64] {
        precondition(high > low, "randint needs low < high")
        let range = high - low - 1 // NumPy's `rng`: the largest offset
        if range == 0 { return [UInt64](repeating: low, count: count) }
        var mask = range
        mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4
        mask |= mask >> 8; mask |= mask >> 16; mask |= mask >> 32
        var out = [UInt64]()
        out.reserveCapacity(count)
        for _ in 0 ..< count {
            var value: UInt64
            if range <= 0xFFFF_FFFF {
                // NumPy draws one 32-bit word per try when the range fits 32 bits.
                repeat { value = UInt64(nextUInt32()) & mask } while value > range
            } else {
                repeat { value = nextUInt64() & mask } while value > range
            }
            out.append(low + value)
        }
        return out
    }

    private mutating func twist() {
        for i in 0 ..< 624 {
            let y = (mt[i] & 0x8000_0000) | (mt[(i + 1) % 624] & 0x7FFF_FFFF)
            var next = mt[(i + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { next ^= 0x9908_B0DF }
            mt[i] = next
        }
        index = 0
    }
}
