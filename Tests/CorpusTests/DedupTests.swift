import Foundation
import Testing
import ModelFiles
import TestSupport
@testable import Corpus

/// LSH clustering, the phase files and the exact deduplicator, on hand-made documents.
@Suite struct DedupTests {
    /// A deterministic English-like text of `count` words.
    static func text(seed: UInt64, words count: Int) -> String {
        let vocabulary = ["river", "stone", "light", "garden", "window", "paper", "engine", "silver", "market",
                          "forest", "letter", "bridge", "orange", "winter", "castle", "pocket", "number", "signal",
                          "mirror", "planet", "harbor", "candle", "ticket", "desert", "falcon", "velvet", "copper"]
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0 ..< count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return vocabulary[Int(state % UInt64(vocabulary.count))] + String(state % 50)
        }.joined(separator: " ")
    }

    /// Replaces every `every`-th word.
    static func edited(_ text: String, every: Int) -> String {
        text.split(separator: " ").enumerated().map { $0.offset % every == every - 1 ? "changed" : String($0.element) }
            .joined(separator: " ")
    }

    @Test func nearDuplicatesClusterAndFirstSurvives() throws {
        let base = [Self.text(seed: 1, words: 400), Self.text(seed: 2, words: 400), Self.text(seed: 3, words: 400)]
        let texts = [
            base[0],                                                         // 0 original
            base[1],                                                         // 1 unrelated
            "Menu Home About\n" + base[0] + "\nCopyright 2024",              // 2 chrome around 0
            String(base[0].split(separator: " ").prefix(320).joined(separator: " ")), // 3 truncated 80 %
            Self.edited(base[0], every: 100),                                // 4 1 % word edits
            base[2],                                                         // 5 unrelated
            "too short",                                                     // 6 no signature
            "too short",                                                     // 7 no signature, not a dup
            Self.edited(base[1], every: 2),                                  // 8 50 % edits: not a dup
        ]
        let dedup = try MinHashDeduplicator()
        let shards = [dedup.shard(of: texts[0 ..< 4]), dedup.shard(of: texts[4...])]
        #expect(shards[1].present == [1, 1, 0, 0, 1])
        let clusters = try dedup.clusters(of: shards)
        #expect(clusters.members.map(\.document) == [0, 2, 3, 4])
        #expect(clusters.members.allSatisfy { $0.cluster == 0 && $0.size == 4 })
        #expect(clusters.droppedCount == 3)
        let filter = dedup.filter(clusters)
        var doc = Document(id: "x", text: texts[4])
        #expect(filter.apply(to: &doc, shard: 1, index: 0) == .drop(reason: "minhash_duplicate"))
        #expect(doc[metadata: "minhash_cluster_id"]?.int == 0 && doc[metadata: "minhash_cluster_size"]?.int == 4)
        var first = Document(id: "y", text: texts[0])
        #expect(filter.apply(to: &first, shard: 0, index: 0) == .keep)
        #expect(first[metadata: "minhash_cluster_size"]?.int == 4)
        var other = Document(id: "z", text: texts[8])
        #expect(filter.apply(to: &other, shard: 1, index: 4) == .keep && other.metadata.isEmpty)
    }

    @Test func transitiveMatchesJoinOneComponent() throws {
        // 0–1 share band 0 only, 1–2 share band 1 only: one cluster {0, 1, 2}; 3 alone.
        var shard = DedupKeys(keysPerDoc: 2, parameterFingerprint: 9)
        shard.append([10, 20]); shard.append([10, 21]); shard.append([11, 21]); shard.append([12, 22])
        let clusters = try DuplicateClusters.find(shards: [shard], columnsPerGroup: 1)
        #expect(clusters.members == [.init(document: 0, cluster: 0, size: 3), .init(document: 1, cluster: 0, size: 3),
                                     .init(document: 2, cluster: 0, size: 3)])
        // The same keys matched as one 2-column group: no two documents agree on both.
        #expect(try DuplicateClusters.find(shards: [shard], columnsPerGroup: 2).members.isEmpty)
    }

    @Test func survivorIsFirstInInputOrderEvenWhenLinkedLate() throws {
        // Document 3 links to 4, then 0 links to 4: the root must become 0.
        var shard = DedupKeys(keysPerDoc: 2, parameterFingerprint: 1)
        for keys: [UInt64] in [[1, 100], [2, 101], [3, 102], [4, 7], [1, 7]] { shard.append(keys) }
        let clusters = try DuplicateClusters.find(shards: [shard], columnsPerGroup: 1)
        #expect(clusters.members.map(\.cluster) == [0, 0, 0])
        #expect(clusters.members.map(\.document) == [0, 3, 4])
    }

    @Test func filesRoundTripAndRejectDamage() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/tern-dedup-\(TestEnvironment.processID)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let dedup = try MinHashDeduplicator()
        let shard = dedup.shard(of: [Self.text(seed: 5, words: 100), "short", Self.text(seed: 5, words: 100)])
        try shard.write(to: dir + "/s0.keys")
        #expect(try DedupKeys.read(from: dir + "/s0.keys") == shard)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["s0.keys"]) // no temporary left
        let clusters = try dedup.clusters(shardFiles: [dir + "/s0.keys"])
        try ExactDeduplicator().shard(of: ["a"]).write(to: dir + "/exact.keys")
        #expect(throws: DedupError.self) { try dedup.clusters(shardFiles: [dir + "/s0.keys", dir + "/exact.keys"]) }
        try FileManager.default.removeItem(atPath: dir + "/exact.keys")
        try clusters.write(to: dir + "/clusters")
        #expect(try DuplicateClusters.read(from: dir + "/clusters") == clusters)
        #expect(clusters.members.count == 2)

        var bytes = shard.serialized()
        bytes.removeLast()
        #expect(throws: DedupError.self) { try DedupKeys.parse(bytes, path: "cut.keys") }
        bytes = shard.serialized(); bytes[0] = 0
        #expect(throws: DedupError.self) { try DedupKeys.parse(bytes, path: "bad.keys") }
        #expect(throws: DedupError.self) { try DuplicateClusters.parse(Array(clusters.serialized().dropLast(3)), path: "c") }
        #expect(throws: DedupError.self) { try DedupKeys.read(from: dir + "/missing") }

        var config = MinHashConfig(); config.nGramSize = 4
        let other = try MinHashDeduplicator(config: config).shard(of: ["a b c d e"])
        #expect(throws: DedupError.self) { try dedup.clusters(of: [shard, other]) }
        var bad = MinHashConfig(); bad.bands = 0
        #expect(throws: DedupError.self) { try MinHashDeduplicator(config: bad) }
    }

    @Test func exactDedupNormalisesAndKeepsFirst() throws {
        let exact = ExactDeduplicator()
        let texts = ["Caf\u{E9}  au lait\n", "Cafe\u{301} au\tlait", "café au lait", "CAFÉ au lait", "Café au lait!"]
        let clusters = try exact.clusters(of: [exact.shard(of: texts[0 ..< 2]), exact.shard(of: texts[2...])])
        #expect(clusters.members == [.init(document: 0, cluster: 0, size: 2), .init(document: 1, cluster: 0, size: 2)])
        var lower = ExactNormalization(); lower.lowercase = true
        let folded = ExactDeduplicator(normalization: lower)
        #expect(try folded.clusters(of: [folded.shard(of: texts)]).members.map(\.document) == [0, 1, 2, 3])
        var doc = Document(id: "d", text: texts[1])
        #expect(exact.filter(clusters).apply(to: &doc, shard: 0, index: 1) == .drop(reason: "exact_duplicate"))
        #expect(doc[metadata: "exact_dedup_cluster_id"]?.int == 0)
    }
}

/// The executor-facing steps: fixed-size records, decisions in the executor's form.
@Suite struct DedupStepTests {
    @Test func minHashStepRecordsResolveLikeThePhases() throws {
        let base = DedupTests.text(seed: 11, words: 300)
        let tasks = [[base, DedupTests.text(seed: 12, words: 300)], ["short", DedupTests.edited(base, every: 100), base]]
        let step = try MinHashDedupStep()
        #expect(step.recordSize == 113)
        var buffers = [[UInt8]]()
        var scratch = StepScratch()
        for task in tasks {
            var bytes = [UInt8](repeating: 0xAA, count: task.count * step.recordSize)
            bytes.withUnsafeMutableBytes { raw in
                for (i, text) in task.enumerated() {
                    step.record(Document(id: "\(i)", text: text),
                                into: UnsafeMutableRawBufferPointer(rebasing: raw[i * 113 ..< (i + 1) * 113]), &scratch)
                }
            }
            buffers.append(bytes)
        }
        var statistics = StepStatistics()
        let decisions = buffers[0].withUnsafeBytes { a in
            buffers[1].withUnsafeBytes { b in step.resolve(records: [a, b], statistics: &statistics) }
        }
        #expect(decisions.representative == [[0, -1], [-1, 0, 0]])
        #expect(decisions.clusterSizes == [0: 3])
        #expect(statistics.counters == ["clusters": 1, "duplicates": 2])
        let phases = try step.deduplicator.clusters(of: tasks.map { step.deduplicator.shard(of: $0) })
        #expect(phases.decisions() == decisions)
    }

    @Test func exactAndDecontaminationSteps() throws {
        let step = ExactDedupStep()
        var records = [UInt8](repeating: 0, count: 3 * 17)
        var scratch = StepScratch()
        records.withUnsafeMutableBytes { raw in
            for (i, text) in ["a  b", "c", "a b"].enumerated() {
                step.record(Document(id: "", text: text), into: UnsafeMutableRawBufferPointer(rebasing: raw[i * 17 ..< i * 17 + 17]), &scratch)
            }
        }
        var statistics = StepStatistics()
        let decisions = records.withUnsafeBytes { step.resolve(records: [$0], statistics: &statistics) }
        #expect(decisions.representative == [[0, -1, 0]])

        var index = try EvalNGramIndex()
        index.add(texts: [DecontaminationTests.answer])
        let decontaminate = DecontaminationStep(index: index)
        var doc = Document(id: "d", text: DecontaminationTests.answer)
        #expect(decontaminate.process(&doc, &scratch) == .drop(reason: "decontaminated"))
        #expect(scratch.statistics.counters["contaminated"] == 1)
    }
}
