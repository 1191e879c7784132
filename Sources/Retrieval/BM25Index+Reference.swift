/// The plain BM25 search that `BM25Index.search` is tested against: a dictionary of scores
/// and a full sort of every matching document.
extension BM25Index {
    /// Same contract as `search`, written for clarity rather than speed.
    func referenceSearch(_ query: String, k: Int) -> [(document: Int, score: Double)] {
        guard k > 0, count > 0 else { return [] }
        let (c0, c1) = lengthNorm
        var scores = [Int: Double]()
        for t in queryTermIDs(query) {
            let list = postings[Int(t)]
            let w = idf(list.count)
            for p in list {
                let f = Double(p.frequency)
                scores[Int(p.document), default: 0] += w * f / (f + (c0 + c1 * Double(lengths[Int(p.document)])))
            }
        }
        return scores.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(k).map { ($0.key, $0.value) }
    }
}
