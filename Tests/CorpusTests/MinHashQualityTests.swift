import Foundation
import Testing
import TestSupport
@testable import Corpus

/// Scoring rules on a hand-made clustering, and (when TERN_CORPUS names a corpus folder with
/// docs_*.jsonl and planted.json) the scores of our MinHash on the planted test corpus.
@Suite struct MinHashQualityTests {
    @Test func scoringDefinitions() {
        // 0 original, 1 its copy, 2 a second copy, 3 natural near-dup of 4, 5 a false positive.
        let ids = ["a", "a-copy", "a-copy2", "n1", "n2", "x"]
        let families = ["a", "a", "a", "n1", "n2", "x"]
        let planted = [MinHashQuality.PlantedPair(original: "a", copy: "a-copy", kind: "exact"),
                       MinHashQuality.PlantedPair(original: "a", copy: "a-copy2", kind: "edit0.30")]
        let clusters = DuplicateClusters(shardDocCounts: [6], members: [
            .init(document: 0, cluster: 0, size: 2), .init(document: 1, cluster: 0, size: 2),
            .init(document: 3, cluster: 3, size: 3), .init(document: 4, cluster: 3, size: 3),
            .init(document: 5, cluster: 3, size: 3)])
        let sets: [Set<UInt64>] = [[1], [1], [9], [1, 2, 3, 4], [1, 2, 3, 5], [7, 8]]
        let r = MinHashQuality.score(ids: ids, families: families, planted: planted, clusters: clusters) { sets[$0] }
        #expect(r.plantedFound == 1 && r.recall == 0.5)
        #expect(r.recallByKind == ["exact": 1, "edit0.30": 0])
        #expect(r.clusteredDocuments == 5 && r.falsePositiveDocuments == 1 && r.precision == 0.8)
        #expect(r.clusters == 2 && r.dropped == 3)
    }

    @Test(.enabled(if: TestEnvironment.value("TERN_CORPUS") != nil))
    func plantedCorpusScores() throws {
        let directory = TestEnvironment.value("TERN_CORPUS") ?? ""
        let report = try MinHashQuality.run(corpusDirectory: directory, deduplicator: try MinHashDeduplicator())
        let json = try JSONEncoder().encode(report)
        print("MinHash quality (Tern):", String(decoding: json, as: UTF8.self))
        // 5-gram MinHash at the 0.72 threshold cannot see pages with ≥ 10 % of words edited
        // (Jaccard ≈ 0.4); datatrove's own recall on those kinds is as low (see the report).
        #expect(report.recallByKind["exact"] == 1)
        #expect((report.recallByKind["edit0.01"] ?? 0) > 0.85)
        #expect(report.precision > 0.95)
    }

    /// Our signatures against datatrove's for every corpus document (signatures.bin written by
    /// scripts/corpus/minhash_quality.py); reports how many documents differ.
    @Test(.enabled(if: TestEnvironment.value("TERN_CORPUS") != nil
        && TestEnvironment.value("TERN_DATATROVE_SIGNATURES") != nil))
    func corpusSignaturesMatchDatatrove() throws {
        let corpus = try MinHashQuality.readCorpus(TestEnvironment.value("TERN_CORPUS") ?? "")
        let data = try Data(contentsOf: URL(fileURLWithPath: TestEnvironment.value("TERN_DATATROVE_SIGNATURES") ?? ""))
        let hasher = try MinHasher()
        let width = hasher.config.signatureLength
        #expect(data.count == corpus.texts.count * width * 8)
        var differing = [String]()
        data.withUnsafeBytes { raw in
            for (k, text) in corpus.texts.enumerated() where (k + 1) * width * 8 <= raw.count {
                let ours = hasher.signature(of: text) ?? [UInt64](repeating: 0, count: width)
                let same = (0 ..< width).allSatisfy {
                    UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: (k * width + $0) * 8, as: UInt64.self)) == ours[$0]
                }
                if !same { differing.append(corpus.ids[k]) }
            }
        }
        print("MinHash corpus parity: \(differing.count) of \(corpus.texts.count) signatures differ from datatrove;",
              differing.prefix(10))
        #expect(differing.count * 100 <= corpus.texts.count)
    }

    /// Exact dedup on the planted corpus: every planted `exact` copy must be found.
    @Test(.enabled(if: TestEnvironment.value("TERN_CORPUS") != nil))
    func exactDedupOnCorpus() throws {
        let corpus = try MinHashQuality.readCorpus(TestEnvironment.value("TERN_CORPUS") ?? "")
        let exact = ExactDeduplicator()
        let clusters = try exact.clusters(of: [exact.shard(of: corpus.texts)])
        let exactPairs = corpus.planted.filter { $0.kind == "exact" }
        let report = MinHashQuality.score(ids: corpus.ids, families: corpus.families, planted: exactPairs,
                                          clusters: clusters) { _ in [] }
        print("Exact dedup (Tern): \(clusters.droppedCount) of \(corpus.texts.count) dropped in \(report.clusters) clusters;",
              "planted exact copies found \(report.plantedFound)/\(exactPairs.count)")
        #expect(report.plantedFound == exactPairs.count)
    }
}
