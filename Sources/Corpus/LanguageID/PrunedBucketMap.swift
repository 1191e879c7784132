/// The `pruneidx` of a quantized fastText model: which n-gram hash buckets survived pruning
/// and the compacted row each now has. An open-addressing table (keys -1 = empty, power-of-two
/// capacity at most half full), small enough to stay in cache: LID-176 keeps 42,765 of its
/// 2,000,000 buckets, so the table is 128 Ki slots (1 MiB) instead of an 8 MB dense array.
struct PrunedBucketMap: Sendable {
    private let keys: [Int32]
    private let values: [Int32]
    private let shift: UInt32

    init(_ pairs: [(bucket: Int32, row: Int32)]) {
        var capacity = 16, bits: UInt32 = 4
        while capacity < 2 * pairs.count { capacity <<= 1; bits += 1 }
        var keys = [Int32](repeating: -1, count: capacity)
        var values = [Int32](repeating: -1, count: capacity)
        let shift = 32 - bits
        for (bucket, row) in pairs {
            var s = Self.slot(bucket, shift)
            while keys[s] >= 0 && keys[s] != bucket { s = (s + 1) & (capacity - 1) }
            keys[s] = bucket
            values[s] = row
        }
        self.keys = keys
        self.values = values
        self.shift = shift
    }

    @inline(__always)
    private static func slot(_ bucket: Int32, _ shift: UInt32) -> Int {
        Int((UInt32(bitPattern: bucket) &* 2_654_435_769) >> shift)
    }

    /// The compacted row of `bucket`, or -1 when the bucket was pruned away.
    @inline(__always)
    func row(_ bucket: Int32) -> Int32 {
        let mask = keys.count - 1
        var s = Self.slot(bucket, shift)
        while true {
            let k = keys[s]
            if k == bucket { return values[s] }
            if k < 0 { return -1 }
            s = (s + 1) & mask
        }
    }
}
