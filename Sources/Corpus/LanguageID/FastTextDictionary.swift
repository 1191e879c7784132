/// fastText's dictionary as a predictor needs it: the words and labels of the file, a lookup
/// from a token's bytes to its id, each vocabulary word's input rows (the word and its
/// character n-grams, precomputed as fastText's `initNgrams` does), and the pruned-bucket map
/// of quantized models (`pruneidx`: n-gram bucket → compacted row).
///
/// Ids: words are `0..<wordCount`, labels `wordCount..<wordCount+labelCount`. Input rows: a word
/// id is its own row; n-gram bucket `b` is row `wordCount + b` (or `wordCount + pruneidx[b]`).
struct FastTextDictionary: Sendable {
    static let endOfSentence: [UInt8] = Array("</s>".utf8)
    static let labelPrefix: [UInt8] = Array("__label__".utf8)

    let wordCount: Int
    let labelCount: Int
    /// Entry `i`'s bytes are `entryBytes[entryStart[i]..<entryStart[i+1]]`.
    let entryBytes: [UInt8]
    let entryStart: [Int]
    let entryHash: [UInt32]
    let entryIsLabel: [Bool]
    let counts: [Int64]
    /// Open-addressing table of entry ids (-1 = empty), probed linearly from `hash & mask`.
    let slots: [Int32]
    /// `pruneidx` size as stored: -1 = not pruned, 0 = no n-grams kept, > 0 = map below.
    let pruneSize: Int64
    let prunedBuckets: PrunedBucketMap
    /// Input rows of vocabulary word `i`: `wordRows[wordRowStart[i]..<wordRowStart[i+1]]`.
    var wordRows: [Int32]
    var wordRowStart: [Int]
    let args: FastTextArgs

    /// fastText's hash: 32-bit FNV-1a over the bytes taken as *signed* chars (bytes ≥ 0x80 are
    /// sign-extended before the xor), which all released models were trained with.
    @inline(__always)
    static func fnvStep(_ h: UInt32, _ byte: UInt8) -> UInt32 {
        (h ^ UInt32(bitPattern: Int32(Int8(bitPattern: byte)))) &* 16_777_619
    }
    static let fnvOffset: UInt32 = 2_166_136_261

    static func hash<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        bytes.reduce(fnvOffset, fnvStep)
    }

    func label(_ i: Int) -> String {
        let e = wordCount + i
        let s = String(decoding: entryBytes[entryStart[e]..<entryStart[e + 1]], as: UTF8.self)
        return s.hasPrefix("__label__") ? String(s.dropFirst(9)) : s
    }

    /// Label counts in label order (the hierarchical-softmax tree is built from them).
    var labelCounts: [Int64] { Array(counts[wordCount..<wordCount + labelCount]) }

    /// Entry id of the token `bytes[start..<end]` whose hash is `h`, or -1.
    @inline(__always)
    func entryID(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, hash h: UInt32) -> Int32 {
        let mask = slots.count - 1
        var s = Int(h) & mask
        while true {
            let id = slots[s]
            if id < 0 { return -1 }
            let i = Int(id)
            if entryHash[i] == h && entryStart[i + 1] - entryStart[i] == end - start {
                var p = entryStart[i], q = start
                while q < end && entryBytes[p] == bytes[q] { p += 1; q += 1 }
                if q == end { return id }
            }
            s = (s + 1) & mask
        }
    }
}
