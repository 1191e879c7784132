import Testing
import TestSupport
@testable import Retrieval

@Suite struct HybridFusionTests {
    @Test func reciprocalRankFusionAsThePaperDefinesIt() {
        // doc 7: 1/61 + 1/62; doc 3: 1/62 + 1/61 (tie, best rank 1 for both → lower id); doc 9: 1/63.
        let fused = HybridFusion.reciprocalRank([[7, 3, 9], [3, 7]])
        #expect(fused.map(\.document) == [3, 7, 9])
        #expect(abs(fused[0].score - (1.0 / 61 + 1.0 / 62)) < 1e-15)
        #expect(abs(fused[2].score - 1.0 / 63) < 1e-15)
        let weighted = HybridFusion.reciprocalRank([[7, 3], [3, 7]], weights: [2, 1])
        #expect(weighted.map(\.document) == [7, 3])
        #expect(HybridFusion.reciprocalRank([]).isEmpty)
    }

    @Test func weightedScoreFusionNormalisesEachList() {
        let bm25: [(document: Int, score: Double)] = [(1, 12), (2, 8), (3, 4)]
        let vector: [(document: Int, score: Double)] = [(3, 0.9), (4, 0.8), (1, 0.5)]
        let fused = HybridFusion.weightedScores([bm25, vector], weights: [0.5, 0.5])
        // 1: 0.5·1 + 0.5·0 = 0.5; 2: 0.25; 3: 0 + 0.5 = 0.5; 4: 0.5·0.75 = 0.375.
        #expect(fused.map(\.document) == [1, 3, 4, 2])
        #expect(zip(fused.map(\.score), [0.5, 0.5, 0.375, 0.25]).allSatisfy { abs($0 - $1) < 1e-12 })
    }
}

@Suite struct FlatVectorIndexTests {
    @Test func exactSearchInEveryMetricAgainstAPlainLoop() {
        var rng = SplitMix64(seed: 3)
        let dim = 37
        let vectors = (0..<300).map { _ in (0..<dim).map { _ in Float(rng.int(2001) - 1000) / 1000 } }
        for metric in [FlatVectorIndex.Metric.cosine, .innerProduct, .l2] {
            var index = FlatVectorIndex(dimension: dim, metric: metric)
            for (i, v) in vectors.enumerated() { index.add(id: i, vector: v) }
            let q = vectors[17].map { $0 + 0.01 }
            func plain(_ v: [Float]) -> Float {
                switch metric {
                case .cosine:
                    let n = { (x: [Float]) in x.reduce(0) { $0 + $1 * $1 }.squareRoot() }
                    return zip(v, q).reduce(0) { $0 + $1.0 * $1.1 } / (n(v) * n(q))
                case .innerProduct: return zip(v, q).reduce(0) { $0 + $1.0 * $1.1 }
                case .l2: return -zip(v, q).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                }
            }
            let expected = vectors.indices.sorted { plain(vectors[$0]) > plain(vectors[$1]) }.prefix(10)
            let got = index.search(q, k: 10)
            #expect(got.map(\.id) == Array(expected), "\(metric)")
            #expect(got.first?.id == 17 || metric == .innerProduct)
            for (id, score) in got { #expect(abs(score - plain(vectors[id])) < 1e-4 * max(1, abs(score))) }
            // Filtered search and deletion.
            let even = index.search(q, k: 5) { $0 % 2 == 0 }
            #expect(even.allSatisfy { $0.id % 2 == 0 } && even.count == 5)
            var pruned = index
            pruned.remove(id: got[0].id)
            #expect(pruned.search(q, k: 1).first?.id == got[1].id && pruned.count == 299)
        }
    }
}
