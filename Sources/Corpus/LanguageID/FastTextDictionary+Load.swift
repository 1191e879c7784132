extension FastTextDictionary {
    /// Reads fastText's `Dictionary::save` layout: size, nwords, nlabels (int32), ntokens and
    /// pruneidx size (int64); then each entry as a NUL-terminated word, an int64 count and an
    /// int8 type (0 word, 1 label); then the pruneidx pairs (int32 bucket, int32 row).
    /// The input matrix comes later in the file; `validate` then checks that every row the
    /// dictionary can name exists in it.
    static func read(from r: inout FastTextBinaryReader, args: FastTextArgs) throws(LanguageIDError) -> FastTextDictionary {
        let size = Int(try r.int32("dictionary.size"))
        let nwords = Int(try r.int32("dictionary.nwords"))
        let nlabels = Int(try r.int32("dictionary.nlabels"))
        _ = try r.int64("dictionary.ntokens")
        let pruneSize = try r.int64("dictionary.pruneidx_size")
        guard size >= 0, nwords >= 0, nlabels >= 0, nwords + nlabels == size, size <= r.remaining else {
            throw r.invalid("dictionary.size", "size \(size) != nwords \(nwords) + nlabels \(nlabels)")
        }
        var bytes = [UInt8](), start = [0], hashes = [UInt32](), isLabel = [Bool](), counts = [Int64]()
        for i in 0..<size {
            let word = try r.cString("dictionary.entry[\(i)].word")
            bytes.append(contentsOf: word)
            start.append(bytes.count)
            hashes.append(hash(word))
            counts.append(try r.int64("dictionary.entry[\(i)].count"))
            let type = try r.int8("dictionary.entry[\(i)].type")
            guard type == 0 || type == 1, (type == 1) == (i >= nwords) else {
                throw r.invalid("dictionary.entry[\(i)].type", "type \(type) for entry \(i) of \(nwords) words")
            }
            isLabel.append(type == 1)
        }
        guard pruneSize >= -1, pruneSize <= Int64(r.remaining / 8) else {
            throw r.invalid("dictionary.pruneidx_size", "\(pruneSize)")
        }
        var pairs = [(bucket: Int32, row: Int32)]()
        for _ in 0..<max(0, Int(pruneSize)) {
            let bucket = try r.int32("dictionary.pruneidx.bucket")
            let row = try r.int32("dictionary.pruneidx.row")
            guard bucket >= 0, row >= 0, row < Int32(clamping: pruneSize) else {
                throw r.invalid("dictionary.pruneidx", "pair (\(bucket), \(row)) of \(pruneSize)")
            }
            pairs.append((bucket, row))
        }
        var capacity = 16
        while capacity < 2 * size { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        for i in 0..<size {
            var s = Int(hashes[i]) & (capacity - 1)
            while slots[s] >= 0 { s = (s + 1) & (capacity - 1) }
            slots[s] = Int32(i)
        }
        var dict = FastTextDictionary(
            wordCount: nwords, labelCount: nlabels, entryBytes: bytes, entryStart: start, entryHash: hashes,
            entryIsLabel: isLabel, counts: counts, slots: slots, pruneSize: pruneSize,
            prunedBuckets: PrunedBucketMap(pairs), wordRows: [], wordRowStart: [0], args: args)
        dict.precomputeWordRows()
        return dict
    }

    /// fastText's `initNgrams`: each word's rows are itself, then (except `</s>`) the
    /// n-grams of `<word>`.
    private mutating func precomputeWordRows() {
        var rows = [Int32](), starts = [0], scratch = [UInt8]()
        for i in 0..<wordCount {
            rows.append(Int32(i))
            let word = entryBytes[entryStart[i]..<entryStart[i + 1]]
            if !word.elementsEqual(Self.endOfSentence) {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(UInt8(ascii: "<")); scratch.append(contentsOf: word); scratch.append(UInt8(ascii: ">"))
                scratch.withUnsafeBufferPointer { w in forEachSubwordRow(w) { rows.append($0) } }
            }
            starts.append(rows.count)
        }
        wordRows = rows
        wordRowStart = starts
    }

    /// Checks that every row the dictionary can produce exists in an input matrix of `rows` rows.
    func validate(inputRows rows: Int, _ r: FastTextBinaryReader) throws(LanguageIDError) {
        let needed: Int
        if pruneSize > 0 { needed = wordCount + Int(pruneSize) }
        else if pruneSize == 0 || args.bucket == 0 { needed = wordCount }
        else { needed = wordCount + args.bucket }
        guard rows >= needed else {
            throw r.invalid("input.rows", "\(rows) rows, the dictionary needs \(needed)")
        }
    }
}
