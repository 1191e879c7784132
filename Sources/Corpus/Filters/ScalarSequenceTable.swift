/// An immutable hash table from short scalar sequences to an integer payload, looked up by a
/// range of a larger buffer without building a key (the tokenizer asks it about every chunk).
struct ScalarSequenceTable: Sendable {
    private var keys: [UInt32] = []          // all keys, concatenated
    private var keyStart: [Int] = [0]        // key i is keys[keyStart[i]..<keyStart[i+1]]
    private var payloads: [Int] = []
    private var slots: [Int32]               // -1 empty, else key index
    private let mask: Int
    /// Longest key, in scalars: longer ranges are never looked up.
    private(set) var maxLength = 0

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    private static func hash(_ p: UnsafeBufferPointer<UInt32>, _ lo: Int, _ hi: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in lo..<hi { h = (h ^ UInt64(p[i])) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// Adds `key` (ignored when already present) with `payload`.
    mutating func insert(_ key: [UInt32], payload: Int) {
        if key.withUnsafeBufferPointer({ lookup($0, 0, key.count) }) != nil { return }
        let index = payloads.count
        keys += key
        keyStart.append(keys.count)
        payloads.append(payload)
        maxLength = max(maxLength, key.count)
        var slot = key.withUnsafeBufferPointer { Self.hash($0, 0, key.count) } & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(index)
    }

    /// The payload of `p[lo..<hi]`, inserting it with payload = number of keys when absent
    /// (interning: equal sequences get equal ids). The table must have room (see `init`).
    mutating func intern(_ p: UnsafeBufferPointer<UInt32>, _ lo: Int, _ hi: Int) -> Int {
        if let k = lookup(p, lo, hi) { return k }
        let index = payloads.count
        keys.append(contentsOf: p[lo..<hi])
        keyStart.append(keys.count)
        payloads.append(index)
        maxLength = max(maxLength, hi - lo)
        var slot = Self.hash(p, lo, hi) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(index)
        return index
    }

    /// The payload stored for the sequence `p[lo..<hi]`, if any.
    @inline(__always)
    func lookup(_ p: UnsafeBufferPointer<UInt32>, _ lo: Int, _ hi: Int) -> Int? {
        let n = hi - lo
        if n <= 0 || n > maxLength { return nil }
        var slot = Self.hash(p, lo, hi) & mask
        while true {
            let k = Int(slots[slot])
            if k < 0 { return nil }
            let ks = keyStart[k], ke = keyStart[k + 1]
            if ke - ks == n {
                var same = true
                for j in 0..<n where keys[ks + j] != p[lo + j] { same = false; break }
                if same { return payloads[k] }
            }
            slot = (slot + 1) & mask
        }
    }
}
