/// The plain reference for `FastTextModel.hidden`: fastText's `getLine` + `averageRowsToVector`
/// written for clarity (tokens and n-grams as byte arrays, Swift dictionaries, rows added from
/// the quantized codes as fastText's `addcode` does). Tests hold the fast path equal to it.
struct FastTextReferenceInput {
    let model: FastTextModel
    let ids: [[UInt8]: Int]
    let pruned: [Int32: Int32]

    init(model: FastTextModel) {
        self.model = model
        let d = model.dictionary
        var ids = [[UInt8]: Int]()
        for i in 0..<(d.wordCount + d.labelCount) { ids[Array(d.entryBytes[d.entryStart[i]..<d.entryStart[i + 1]])] = i }
        self.ids = ids
        var pruned = [Int32: Int32]()
        for bucket in 0..<Int32(model.args.bucket) {
            let r = d.prunedBuckets.row(bucket)
            if r >= 0 { pruned[bucket] = r }
        }
        self.pruned = pruned
    }

    func tokens(_ text: [UInt8]) -> [[UInt8]] {
        var out = text.split(whereSeparator: FastTextModel.isSeparator).map(Array.init)
        out.append(FastTextDictionary.endOfSentence)
        if let stop = out.firstIndex(of: FastTextDictionary.endOfSentence) { out.removeSubrange((stop + 1)...) }
        return out
    }

    func ngramRows(_ token: [UInt8]) -> [Int32] {
        let a = model.args
        let word = Array("<".utf8) + token + Array(">".utf8)
        var rows = [Int32]()
        for i in word.indices where word[i] & 0xC0 != 0x80 {
            var ngram = [UInt8](), j = i, n = 1
            while j < word.count && n <= a.maxn {
                ngram.append(word[j]); j += 1
                while j < word.count && word[j] & 0xC0 == 0x80 { ngram.append(word[j]); j += 1 }
                if n >= a.minn && !(n == 1 && (i == 0 || j == word.count)) {
                    let bucket = Int32(FastTextDictionary.hash(ngram) % UInt32(a.bucket))
                    if let r = pushHash(bucket) { rows.append(r) }
                }
                n += 1
            }
        }
        return rows
    }

    func pushHash(_ bucket: Int32) -> Int32? {
        let d = model.dictionary
        if d.pruneSize == 0 { return nil }
        if d.pruneSize < 0 { return Int32(d.wordCount) + bucket }
        return pruned[bucket].map { Int32(d.wordCount) + $0 }
    }

    /// The rows fastText averages for `text` (before word n-grams, which LID-176 does not use).
    func rows(_ text: [UInt8]) -> [Int32] {
        let d = model.dictionary
        var rows = [Int32]()
        for token in tokens(text) {
            let id = ids[token]
            let isLabel = id.map { $0 >= d.wordCount } ?? token.starts(with: FastTextDictionary.labelPrefix)
            if isLabel { continue }
            if let id {
                rows.append(Int32(id))
                if token != FastTextDictionary.endOfSentence && model.args.maxn > 0 { rows += ngramRows(token) }
            } else if token != FastTextDictionary.endOfSentence {
                rows += ngramRows(token)
            }
        }
        return rows
    }

    /// The averaged input vector, rows added one by one from the quantized codes.
    func hidden(_ text: [UInt8]) -> [Float] {
        let rows = rows(text)
        var h = [Float](repeating: 0, count: model.dim)
        guard let q = model.quantizedInput, !rows.isEmpty else { return h }
        for r in rows { q.addRow(Int(r), to: &h) }
        let scale = Float(1.0 / Double(rows.count))
        for j in h.indices { h[j] *= scale }
        return h
    }
}
