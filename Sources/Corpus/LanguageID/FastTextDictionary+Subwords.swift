extension FastTextDictionary {
    /// Calls `body` with the input row of each character n-gram of `word` (which already carries
    /// fastText's `<` and `>` around the token), in fastText's order: for each start scalar, the
    /// n-grams of 1…maxn scalars, keeping lengths ≥ minn and never a single `<` or `>` alone.
    /// The FNV hash grows with the n-gram, so no n-gram is ever materialized.
    @inline(__always)
    func forEachSubwordRow(_ word: UnsafeBufferPointer<UInt8>, _ body: (Int32) -> Void) {
        let count = word.count, minn = args.minn, maxn = args.maxn
        guard maxn > 0, args.bucket > 0, pruneSize != 0 else { return }
        let bucket = UInt32(truncatingIfNeeded: args.bucket)
        for i in 0..<count where word[i] & 0xC0 != 0x80 {
            var h = Self.fnvOffset
            var j = i, n = 1
            while j < count && n <= maxn {
                h = Self.fnvStep(h, word[j]); j += 1
                while j < count && word[j] & 0xC0 == 0x80 { h = Self.fnvStep(h, word[j]); j += 1 }
                if n >= minn && !(n == 1 && (i == 0 || j == count)) {
                    let row = bucketRow(Int32(bitPattern: h % bucket))
                    if row >= 0 { body(row) }
                }
                n += 1
            }
        }
    }

    /// fastText's `pushHash`: the input row of n-gram bucket `id`, or -1 when pruned away.
    @inline(__always)
    func bucketRow(_ id: Int32) -> Int32 {
        if pruneSize == 0 || id < 0 { return -1 }
        if pruneSize > 0 {
            let r = prunedBuckets.row(id)
            return r < 0 ? -1 : Int32(wordCount) + r
        }
        return Int32(wordCount) + id
    }

    /// fastText's `addWordNgrams`: rows of the word n-grams (2…wordNgrams tokens) hashed from
    /// the tokens' FNV hashes. fastText keeps those hashes as int32 and widens them to uint64
    /// with sign extension; that is reproduced.
    func forEachWordNgramRow(_ hashes: [UInt32], _ body: (Int32) -> Void) {
        let n = args.wordNgrams
        guard n > 1, args.bucket > 0 else { return }
        let bucket = UInt64(args.bucket)
        for i in hashes.indices {
            var h = UInt64(bitPattern: Int64(Int32(bitPattern: hashes[i])))
            var j = i + 1
            while j < hashes.count && j < i + n {
                h = h &* 116_049_371 &+ UInt64(bitPattern: Int64(Int32(bitPattern: hashes[j])))
                let row = bucketRow(Int32(truncatingIfNeeded: h % bucket))
                if row >= 0 { body(row) }
                j += 1
            }
        }
    }
}
