import Foundation
import ModelFiles
import Testing
import TestSupport

/// `tern train pretrain` as a user runs it, killed with SIGKILL at random moments and resumed:
/// every step's metrics equal an uninterrupted run's, and no checkpoint is ever half written.
@Suite struct TrainCommandTests {
    /// A corpus, a tokenizer trained on it, token shards with a validation split, a run config.
    func prepare() throws -> (root: String, config: String) {
        let root = temporaryPath("train-cli")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: 4)
        let words = ["the", "cat", "sat", "on", "a", "mat", "dog", "ran", "to", "red", "ball", "and", "then", "slept"]
        var lines = ""
        for _ in 0..<300 {
            let sentence = (0..<(6 + rng.int(10))).map { _ in words[rng.int(words.count)] }.joined(separator: " ")
            lines += String(decoding: try JSONSerialization.data(withJSONObject: ["text": sentence + "."]), as: UTF8.self) + "\n"
        }
        try writeFileAtomically(path: root + "/corpus.jsonl", bytes: Array(lines.utf8))
        let tok = try TernBinary.run(["tokenizer", "train", "--input", root + "/corpus.jsonl", "--vocab-size", "300",
                                      "--special", "<|endoftext|>", "--output", root + "/tokenizer.json"])
        #expect(tok.status == 0, "\(tok.stderr)")
        let data = try TernBinary.run(["data", "tokenize", "--tokenizer", root + "/tokenizer.json", "-o", root + "/shards",
                                       "--append-eos", "--validation-fraction", "0.1", root + "/corpus.jsonl"])
        #expect(data.status == 0, "\(data.stderr)")
        let config = """
        {"model": {"architecture": "llama", "layers": 2, "heads": 2, "width": 32, "context": 32},
         "data": "\(root)/shards", "batchSize": 4, "steps": 40, "warmupSteps": 4, "learningRate": 0.003,
         "logEvery": 1, "evalEvery": 10, "evalBatches": 2, "checkpointEvery": 3, "keepCheckpoints": 2, "seed": 5}
        """
        try writeFileAtomically(path: root + "/run.json", bytes: Array(config.utf8))
        return (root, root + "/run.json")
    }

    static func records(_ run: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            var r = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            r["tokensPerSecond"] = nil
            return r
        }
    }

    @Test func sigkilledRunsResumeToTheUninterruptedLosses() throws {
        let (root, config) = try prepare()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let started = Date()
        let whole = try TernBinary.run(["train", "pretrain", "--config", config, "--output", root + "/whole", "--quiet"])
        #expect(whole.status == 0, "\(whole.stderr)")
        let duration = Date().timeIntervalSince(started)
        let reference = try Self.records(root + "/whole")
        #expect(reference.count == 40)

        var rng = SplitMix64(seed: UInt64(TestEnvironment.processID))
        var kills = 0, attempts = 0, window = duration
        while attempts < 12 {
            attempts += 1
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TernBinary.path)
            process.arguments = ["train", "pretrain", "--config", config, "--output", root + "/cut", "--quiet"]
                + (attempts > 1 ? ["--resume"] : [])
            process.standardError = FileHandle.nullDevice
            try process.run()
            if kills < 3 {
                // A random moment within the first 60% of a whole run's time.
                Thread.sleep(forTimeInterval: 0.05 + Double(rng.int(1000)) / 1000 * window * 0.6)
                if process.isRunning { kill(process.processIdentifier, SIGKILL); kills += 1 }
            }
            process.waitUntilExit()
            if process.terminationReason == .exit && kills == 0 {
                // Finished before any kill (the reference run was timed on a busier machine):
                // start over with a shorter window rather than pass without a kill.
                try? FileManager.default.removeItem(atPath: root + "/cut")
                window /= 2
                attempts = 0
                if window < 0.05 { break }
                continue
            }
            if process.terminationReason == .exit {
                #expect(process.terminationStatus == 0)
                break
            }
            // Whatever the moment, every checkpoint under its final name is complete.
            let dir = root + "/cut/checkpoints"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir))?.filter({ $0.hasPrefix("step-") }) ?? [] {
                for file in ["model.safetensors", "optimizer.safetensors", "state.json"] {
                    #expect(FileManager.default.fileExists(atPath: "\(dir)/\(name)/\(file)"), "\(name)/\(file) missing")
                }
                _ = try SafeTensorsFile(path: "\(dir)/\(name)/model.safetensors")
            }
        }
        #expect(kills >= 1, "the run was never killed")
        let resumed = try Self.records(root + "/cut")
        #expect(resumed.count == reference.count)
        for (a, b) in zip(resumed, reference) {
            #expect(NSDictionary(dictionary: a).isEqual(to: b), "\(a) vs \(b)")
        }
    }

    @Test func badConfigIsNamed() throws {
        let root = temporaryPath("train-bad")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try writeFileAtomically(path: root + "/run.json", bytes: Array(#"{"steps": "many"}"#.utf8))
        let r = try TernBinary.run(["train", "pretrain", "--config", root + "/run.json"])
        #expect(r.status != 0 && r.status < 128)
        #expect(r.stderr.contains("steps"), "\(r.stderr)")
        let missing = try TernBinary.run(["train", "pretrain", "--data", root + "/nowhere", "--output", root + "/run"])
        #expect(missing.status != 0 && missing.status < 128)
        #expect(missing.stderr.contains(root + "/nowhere"), "\(missing.stderr)")
    }
}
