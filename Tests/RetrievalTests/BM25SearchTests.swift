import Foundation
import Testing
import TestSupport
@testable import Retrieval

/// The fast BM25 search (dense accumulator, bounded heap, scratch pool) against the plain
/// reference (dictionary of scores, full sort): same ids and bit-identical scores.
@Suite struct BM25SearchTests {
    /// A synthetic corpus with a Zipf-like vocabulary, so that queries touch many documents and
    /// tie on equal scores (duplicate documents).
    static func corpus(documents: Int, seed: UInt64) -> (index: BM25Index, queries: [String]) {
        var rng = SplitMix64(seed: seed)
        let vocabulary = (0..<2000).map { "w\($0)" }
        func word() -> String { vocabulary[min(vocabulary.count - 1, Int(Double(vocabulary.count) * pow(Double(rng.int(1_000_000)) / 1e6, 3)))] }
        var index = BM25Index()
        var texts = [String]()
        for i in 0..<documents {
            let text = i % 17 == 5 ? texts[i / 2] : (0..<(5 + rng.int(60))).map { _ in word() }.joined(separator: " ")
            texts.append(text)
            index.add(text)
        }
        let queries = (0..<200).map { _ in (0..<(1 + rng.int(6))).map { _ in word() }.joined(separator: " ") }
        return (index, queries + ["", "absent words only", "w0 w0 w0", "w1999 nothing"])
    }

    @Test func fastSearchEqualsReference() {
        let (index, queries) = Self.corpus(documents: 3000, seed: 42)
        var mismatches = 0
        for q in queries {
            for k in [1, 10, 100, 5000] {
                let fast = index.search(q, k: k), plain = index.referenceSearch(q, k: k)
                if fast.count != plain.count || zip(fast, plain).contains(where: { $0.document != $1.document || $0.score != $1.score }) {
                    mismatches += 1
                    if mismatches < 5 { print("differs: \(q) k=\(k)") }
                }
            }
        }
        #expect(mismatches == 0)
        #expect(index.search("w0", k: 10).count == 10)
        #expect(index.search("w0", k: 0).isEmpty && BM25Index().search("w0", k: 3).isEmpty)
    }

    @Test func concurrentSearchesAgree() async {
        let (index, queries) = Self.corpus(documents: 2000, seed: 7)
        let expected = queries.map { index.referenceSearch($0, k: 10).map(\.document) }
        let failures = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var bad = 0
                    for round in 0..<5 {
                        for (i, q) in queries.enumerated() where (i + worker + round) % 3 == 0 {
                            if index.search(q, k: 10).map(\.document) != expected[i] { bad += 1 }
                        }
                    }
                    return bad
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }

    /// Parameters outside the fast path's range (a sum could return to 0) take the plain path.
    @Test func strangeParametersAreSearchedThePlainWay() {
        for parameters in [BM25Index.Parameters(k1: -3, b: 0.75), .init(k1: .infinity, b: 0.5), .init(k1: .nan, b: 2), .init(k1: 1.2, b: -1)] {
            var index = BM25Index(parameters: parameters)
            for t in ["linux kernel", "linux linux linux drivers", "kernel", "cooking linux pasta"] { index.add(t) }
            let fast = index.search("linux kernel linux", k: 10), plain = index.referenceSearch("linux kernel linux", k: 10)
            #expect(fast.map(\.document) == plain.map(\.document))
        }
    }

    @Test func topKHeapOrdersTiesByID() {
        var heap = BM25TopK(capacity: 3)
        for (d, s) in [(5, 1.0), (2, 2.0), (9, 2.0), (1, 0.5), (3, 2.0), (0, 1.0)] { heap.offer(document: Int32(d), score: s) }
        #expect(heap.sortedBestFirst().map(\.document) == [2, 3, 9])
    }
}
