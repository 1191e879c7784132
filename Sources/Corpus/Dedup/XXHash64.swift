/// XXH64, the 64-bit xxHash of Yann Collet (spec: xxhash's `doc/xxhash_spec.md`), as
/// Python's `xxhash.xxh64_intdigest` computes it: the shingle hash of datatrove's MinHash.
public enum XXHash64 {
    static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    /// The hash of `bytes` with `seed` (datatrove uses seed 0 over the UTF-8 of the n-gram).
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let n = bytes.count
        var i = 0
        var acc: UInt64
        if n >= 32 {
            var v1 = seed &+ prime1 &+ prime2, v2 = seed &+ prime2, v3 = seed, v4 = seed &- prime1
            while i + 32 <= n {
                v1 = round(v1, load64(bytes, i)); v2 = round(v2, load64(bytes, i + 8))
                v3 = round(v3, load64(bytes, i + 16)); v4 = round(v4, load64(bytes, i + 24))
                i += 32
            }
            acc = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
            acc = mergeRound(acc, v1); acc = mergeRound(acc, v2)
            acc = mergeRound(acc, v3); acc = mergeRound(acc, v4)
        } else {
            acc = seed &+ prime5
        }
        acc &+= UInt64(n)
        while i + 8 <= n {
            acc ^= round(0, load64(bytes, i))
            acc = rotl(acc, 27) &* prime1 &+ prime4
            i += 8
        }
        if i + 4 <= n {
            acc ^= UInt64(load32(bytes, i)) &* prime1
            acc = rotl(acc, 23) &* prime2 &+ prime3
            i += 4
        }
        while i < n {
            acc ^= UInt64(bytes[i]) &* prime5
            acc = rotl(acc, 11) &* prime1
            i += 1
        }
        acc ^= acc >> 33; acc &*= prime2
        acc ^= acc >> 29; acc &*= prime3
        acc ^= acc >> 32
        return acc
    }

    /// The hash of a byte array (convenience over the buffer form).
    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    /// The hash of a string's UTF-8 (what `xxh64_intdigest(str)` hashes).
    public static func hash(_ string: String, seed: UInt64 = 0) -> UInt64 {
        var s = string
        return s.withUTF8 { hash(UnsafeRawBufferPointer($0), seed: seed) }
    }

    @inline(__always) static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }
    @inline(__always) static func round(_ acc: UInt64, _ lane: UInt64) -> UInt64 {
        rotl(acc &+ lane &* prime2, 31) &* prime1
    }
    @inline(__always) static func mergeRound(_ acc: UInt64, _ v: UInt64) -> UInt64 {
        (acc ^ round(0, v)) &* prime1 &+ prime4
    }
    @inline(__always) static func load64(_ p: UnsafeRawBufferPointer, _ i: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
    }
    @inline(__always) static func load32(_ p: UnsafeRawBufferPointer, _ i: Int) -> UInt32 {
        UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt32.self))
    }
}

extension XXHash64 {
    /// XXH64 (seed 0) of each n-gram of `words` joined by single spaces, in order — the
    /// shingles of MinHash and the eval n-grams of decontamination. Shape: (words − n + 1), or
    /// empty when there are fewer than n words.
    public static func nGramHashes(_ words: [Substring], n: Int) -> [UInt64] {
        guard n > 0, words.count >= n else { return [] }
        var out = [UInt64]()
        out.reserveCapacity(words.count - n + 1)
        var buffer = [UInt8]()
        for start in 0 ... words.count - n {
            buffer.removeAll(keepingCapacity: true)
            for k in start ..< start + n {
                if k > start { buffer.append(0x20) }
                buffer.append(contentsOf: words[k].utf8)
            }
            out.append(hash(buffer))
        }
        return out
    }
}
