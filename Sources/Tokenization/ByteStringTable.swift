#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A hash map from byte strings to `Int32` values, with every key stored once in one arena.
///
/// The vocabularies here have up to 262,144 keys: one contiguous arena plus an open-addressing
/// slot array builds in milliseconds and looks keys up from any byte buffer without allocating,
/// which a `[String: Int]` or `[[UInt8]: Int]` does not.
struct ByteStringTable: Sendable {
    /// All keys, back to back.
    private var arena: [UInt8] = []
    /// Key k occupies `arena[starts[k] ..< starts[k + 1]]`.
    private var starts: [Int32] = [0]
    private var values: [Int32] = []
    /// Key index + 1 per slot; 0 = empty. Capacity is a power of two, at most half full.
    private var slots: [Int32]
    private var mask: Int

    /// Number of keys.
    var count: Int { values.count }

    init(capacity: Int = 16, arenaBytes: Int = 0) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        arena.reserveCapacity(arenaBytes)
        starts.reserveCapacity(capacity + 1)
        values.reserveCapacity(capacity)
    }

    /// FNV-1a over 8-byte words, then a final avalanche; keys are short (a few bytes on average).
    @inline(__always)
    static func hash(_ p: UnsafeRawBufferPointer) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var i = 0
        let n = p.count
        while i + 8 <= n {
            h = (h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x100_0000_01b3
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n { tail |= UInt64(p[i]) << shift; shift += 8; i += 1 }
        h = (h ^ tail ^ UInt64(n)) &* 0x100_0000_01b3
        h ^= h >> 32
        h = h &* 0xd6e8_feb8_6659_fd93
        h ^= h >> 32
        return Int(truncatingIfNeeded: h)
    }

    /// The bytes of the key inserted `index`-th (0-based).
    func key(at index: Int) -> ArraySlice<UInt8> { arena[Int(starts[index])..<Int(starts[index + 1])] }

    /// The value stored for `key`, if any.
    func value(for key: UnsafeRawBufferPointer) -> Int32? {
        var slot = Self.hash(key) & mask
        return slots.withUnsafeBufferPointer { s in
            arena.withUnsafeBytes { a in
                while true {
                    let k = Int(s[slot]) - 1
                    if k < 0 { return nil }
                    let start = Int(starts[k]), end = Int(starts[k + 1])
                    if end - start == key.count,
                       key.count == 0 || memcmpBytes(a.baseAddress! + start, key.baseAddress!, key.count) {
                        return values[k]
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    /// The value stored for `key`, if any.
    func value(for key: [UInt8]) -> Int32? { key.withUnsafeBytes { value(for: $0) } }

    /// The value stored for `key`'s UTF-8, if any.
    func value(for key: String) -> Int32? {
        var s = key
        return s.withUTF8 { value(for: UnsafeRawBufferPointer($0)) }
    }

    /// Inserts `key → value` unless `key` is present; returns the value already stored, if any.
    @discardableResult
    mutating func insert(_ key: UnsafeRawBufferPointer, value: Int32) -> Int32? {
        if let existing = self.value(for: key) { return existing }
        if (values.count + 1) * 2 > slots.count { grow() }
        arena.append(contentsOf: key)
        starts.append(Int32(arena.count))
        values.append(value)
        place(values.count - 1, hash: Self.hash(key))
        return nil
    }

    /// Inserts `key → value` unless `key` is present; returns the value already stored, if any.
    @discardableResult
    mutating func insert(_ key: [UInt8], value: Int32) -> Int32? {
        key.withUnsafeBytes { insert($0, value: value) }
    }

    private mutating func place(_ k: Int, hash: Int) {
        var slot = hash & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(k + 1)
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        mask = slots.count - 1
        for k in 0..<values.count {
            let h = arena.withUnsafeBytes { a in
                Self.hash(UnsafeRawBufferPointer(rebasing: a[Int(starts[k])..<Int(starts[k + 1])]))
            }
            place(k, hash: h)
        }
    }
}

@inline(__always)
func memcmpBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    memcmp(a, b, n) == 0
}
