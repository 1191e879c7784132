import Architectures
import Foundation
import Testing
import TestSupport
import Tokenization
@testable import Training

/// Pretraining runs: the loss falls on learnable data, and a run stopped at any step and resumed
/// from its latest checkpoint continues with exactly the uninterrupted run's losses and weights.
@Suite struct PretrainingTests {
    /// Train and validation shards of sequences that count up by a per-document stride mod 61
    /// (learnable), vocabulary 64.
    static func shards() throws -> String {
        let dir = temporaryPath("pretrain-shards")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: 9)
        var lists = [TokenShardManifest.ShardList]()
        for (split, documents) in [("train", 300), ("validation", 40)] {
            let w = try TokenShardWriter(directory: dir, split: split, shardTokens: 2_000, vocabularySize: 64, endOfDocumentToken: 63)
            for _ in 0..<documents {
                let start = rng.int(61), stride = 1 + rng.int(3)
                try w.appendDocument((0..<40).map { Int32((start + stride * $0) % 61) } + [63])
            }
            lists.append(.init(shards: try w.finish()))
        }
        try TokenShardManifest(tokenizer: .init(fingerprint: "fnv1a64:0000000000000000", vocabularySize: 64, endOfDocumentToken: 63),
                               shardTokens: 2_000, validationSplit: .none, inputs: [], train: lists[0], validation: lists[1])
            .write(toDirectory: dir)
        return dir
    }

    static func config(data: String, output: String) -> RunConfig {
        var c = RunConfig()
        c.model.architecture = "llama"
        c.model.layers = 2; c.model.heads = 4; c.model.kvHeads = 2; c.model.width = 32; c.model.context = 16
        c.data = data; c.output = output
        c.batchSize = 4; c.gradientAccumulation = 2; c.steps = 30; c.warmupSteps = 5; c.learningRate = 3e-3
        c.logEvery = 1; c.evalEvery = 10; c.evalBatches = 2; c.checkpointEvery = 7; c.keepCheckpoints = 2
        c.seed = 77; c.threads = 2
        return c
    }

    /// Everything of a metrics line but the speed.
    static func deterministic(_ records: [MetricsRecord]) -> [MetricsRecord] {
        records.map { var r = $0; r.tokensPerSecond = nil; return r }
    }

    @Test(arguments: [14, 17, 1])
    func resumedRunEqualsUninterruptedRun(stopAfter: Int) throws {
        let data = try Self.shards()
        let whole = temporaryPath("run-whole"), cut = temporaryPath("run-cut")
        defer { for d in [data, whole, cut] { try? FileManager.default.removeItem(atPath: d) } }
        let a = try TrainingRun.pretraining(config: Self.config(data: data, output: whole), resume: false)
        try a.run()
        let reference = try MetricsLog(path: whole + "/metrics.jsonl").records

        // Stopped after `stopAfter` steps; checkpoints every 7, so 14 resumes exactly where it
        // stopped, 17 redoes 15…17, 1 restarts from nothing.
        try TrainingRun.pretraining(config: Self.config(data: data, output: cut), resume: false).run(stopAfter: stopAfter)
        #expect(throws: TrainingError.self, "a folder with checkpoints needs --resume") {
            if stopAfter >= 7 { _ = try TrainingRun.pretraining(config: Self.config(data: data, output: cut), resume: false) }
            else { throw TrainingError.badConfig(field: "-", reason: "no checkpoint yet") }
        }
        let b = try TrainingRun.pretraining(config: Self.config(data: data, output: cut), resume: true)
        #expect(b.completed == stopAfter / 7 * 7)
        try b.run()
        let resumed = try MetricsLog(path: cut + "/metrics.jsonl").records
        #expect(resumed.map(\.step) == Array(1...30), "one line per step, none twice")
        #expect(Self.deterministic(resumed) == Self.deterministic(reference), "losses, norms, rates bit for bit")
        for (x, y) in zip(a.graph.parameters.entries, b.graph.parameters.entries) {
            #expect(x.tensor.values == y.tensor.values, "\(x.name) differs after resume")
        }
        // The loss falls on this learnable data, and the run folder has what it should.
        #expect(reference.last!.loss! < 0.85 * reference.first!.loss!, "loss \(reference.first!.loss!) → \(reference.last!.loss!)")
        #expect(reference.compactMap(\.validationLoss).count == 3)
        for file in ["config.json", "loss.svg", "checkpoints/latest"] {
            #expect(FileManager.default.fileExists(atPath: cut + "/" + file), "\(file) missing")
        }
        let kept = try FileManager.default.contentsOfDirectory(atPath: cut + "/checkpoints").filter { $0.hasPrefix("step-") }
        #expect(kept.sorted() == ["step-00000028", "step-00000030"])
    }
}
