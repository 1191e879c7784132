/// Combining ranked lists from several retrievers (BM25 and vectors, say) into one.
public enum HybridFusion {
    /// Reciprocal-rank fusion (Cormack et al. 2009): each list gives a document
    /// `weight / (k + rank)` with rank counted from 1; documents are ordered by the sum (ties: the
    /// better best rank, then lower id). `k` = 60 as in the paper and in most search engines.
    public static func reciprocalRank(_ lists: [[Int]], k: Double = 60, weights: [Double]? = nil) -> [(document: Int, score: Double)] {
        var score = [Int: Double](), best = [Int: Int]()
        for (l, list) in lists.enumerated() {
            let w = weights.flatMap { l < $0.count ? $0[l] : nil } ?? 1
            for (i, d) in list.enumerated() {
                score[d, default: 0] += w / (k + Double(i + 1))
                best[d] = min(best[d] ?? Int.max, i)
            }
        }
        return score.sorted { a, b in
            a.value != b.value ? a.value > b.value : (best[a.key]! != best[b.key]! ? best[a.key]! < best[b.key]! : a.key < b.key)
        }.map { ($0.key, $0.value) }
    }

    /// Weighted score fusion: each list's scores are min-max normalised to [0, 1] (a list whose
    /// scores are all equal gives 1 to each), multiplied by the list's weight and summed; a
    /// document missing from a list gets 0 from it. Ties: lower id first.
    public static func weightedScores(_ lists: [[(document: Int, score: Double)]], weights: [Double]) -> [(document: Int, score: Double)] {
        var total = [Int: Double]()
        for (l, list) in lists.enumerated() where !list.isEmpty {
            let w = l < weights.count ? weights[l] : 1
            let lo = list.map(\.score).min()!, hi = list.map(\.score).max()!
            for (d, s) in list {
                total[d, default: 0] += w * (hi > lo ? (s - lo) / (hi - lo) : 1)
            }
        }
        return total.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
