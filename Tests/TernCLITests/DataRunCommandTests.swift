import Foundation
import ModelFiles
import Testing
import TestSupport

/// `tern data run` as a user runs it: killed with SIGKILL at random moments and started again,
/// it finishes with output files byte-identical to an uninterrupted run's.
@Suite struct DataRunCommandTests {
    /// 16 JSONL files of HTML pages with exact and near duplicates, e-mails and junk.
    func prepare() throws -> String {
        let root = temporaryPath("data-run")
        try FileManager.default.createDirectory(atPath: root + "/raw", withIntermediateDirectories: true)
        var rng = SplitMix64(seed: 11)
        let words = ["the", "river", "carried", "small", "boats", "past", "old", "mills", "and", "quiet", "towns", "where",
                     "people", "worked", "with", "care", "to", "build", "bridges", "that", "have", "lasted", "long", "years"]
        func sentence() -> String {
            let s = (0..<(8 + rng.int(12))).map { _ in words[rng.int(words.count)] }.joined(separator: " ")
            return s.prefix(1).uppercased() + s.dropFirst() + "."
        }
        var pages = [String]()
        for f in 0..<16 {
            var lines = ""
            for i in 0..<300 {
                var body = (0..<(6 + rng.int(10))).map { _ in "<p>\(sentence()) \(sentence())</p>" }.joined()
                if i % 17 == 0 { body += "<p>Write to someone\(i)@mail.example.com for details.</p>" }
                if i % 23 == 0 { body = "<p>Short.</p>" }
                var page = "<html><head><title>Page \(f)-\(i)</title></head><body><nav><a href=/>Home</a></nav>\(body)<footer>Terms of use</footer></body></html>"
                if i % 11 == 0, !pages.isEmpty { page = pages[rng.int(pages.count)] }  // exact copy of an earlier page
                pages.append(page)
                let record = try JSONSerialization.data(withJSONObject: ["id": "f\(f)/\(i)", "html": page], options: [.sortedKeys])
                lines += String(decoding: record, as: UTF8.self) + "\n"
            }
            if f == 5 { lines += "{\"id\": broken\n" }
            try writeFileAtomically(path: root + "/raw/part-\(f < 10 ? "0" : "")\(f).jsonl", bytes: Array(lines.utf8))
        }
        return root
    }

    func recipe(_ root: String, output: String) throws -> String {
        let path = root + "/\(output).yaml"
        try writeFileAtomically(path: path, bytes: Array("""
            inputs:
              - path: raw
                text_key: html
            output: \(output)
            workers: 2
            steps:
              - extract_html
              - normalize
              - gopher_repetition
              - gopher_quality
              - pii
              - exact_dedup
              - minhash_dedup
            """.utf8))
        return path
    }

    static func outputFiles(_ folder: String) -> [String: [UInt8]] {
        var files = [String: [UInt8]]()
        let fm = FileManager.default
        for p in (fm.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []) where !p.hasPrefix(".work") && !p.hasPrefix("report") {
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: folder + "/" + p, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[p] = fm.contents(atPath: folder + "/" + p).map { [UInt8]($0) }
            }
        }
        return files
    }

    @Test func sigkilledRunsFinishWithTheSameBytes() throws {
        let root = try prepare()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let started = Date()
        let whole = try TernBinary.run(["data", "run", try recipe(root, output: "whole"), "--no-progress"])
        #expect(whole.status == 0, "\(whole.stderr)")
        let duration = Date().timeIntervalSince(started)
        let reference = Self.outputFiles(root + "/whole")
        #expect(reference.keys.contains("data/00000.jsonl") && reference.keys.contains { $0.hasPrefix("removed/05_exact_dedup/") })
        #expect(whole.stderr.contains("part-05.jsonl:301"), "the broken line is reported with file:line: \(whole.stderr)")

        let cut = try recipe(root, output: "cut")
        var rng = SplitMix64(seed: UInt64(TestEnvironment.processID))
        var kills = 0, attempts = 0, window = duration
        while attempts < 10 {
            attempts += 1
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TernBinary.path)
            process.arguments = ["data", "run", cut, "--no-progress"]
            process.standardError = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            if kills < 3 {
                Thread.sleep(forTimeInterval: 0.02 + Double(rng.int(1000)) / 1000 * window * 0.5)
                if process.isRunning { kill(process.processIdentifier, SIGKILL); kills += 1 }
            }
            process.waitUntilExit()
            if process.terminationReason == .exit && kills == 0 {
                // Finished before any kill: start over with a shorter window.
                try? FileManager.default.removeItem(atPath: root + "/cut")
                window /= 2
                attempts = 0
                if window < 0.02 { break }
                continue
            }
            if process.terminationReason == .exit {
                #expect(process.terminationStatus == 0)
                break
            }
            // Whatever the moment, no output file exists under its final name half written:
            // every data file present parses line by line.
            for (name, bytes) in Self.outputFiles(root + "/cut") where name.hasSuffix(".jsonl") {
                #expect(bytes.isEmpty || bytes.last == 0x0A, "\(name) ends mid-line")
            }
        }
        #expect(kills >= 1, "the run was never killed (a whole run took \(duration) s)")
        let resumed = Self.outputFiles(root + "/cut")
        #expect(resumed.keys.sorted() == reference.keys.sorted())
        let differing = reference.keys.filter { resumed[$0] != reference[$0] }
        #expect(differing.isEmpty, "differ: \(differing.sorted())")
    }
}

/// Bad input through the whole command: reported with file and line, skipped or fatal as the
/// recipe's `on_error` says, never a crash; documents before a broken .gz still come through.
@Suite struct DataRunBadInputTests {
    func prepare() throws -> String {
        let root = temporaryPath("data-bad")
        try FileManager.default.createDirectory(atPath: root + "/raw", withIntermediateDirectories: true)
        let good = (0..<5).map { #"{"id":"g\#($0)","text":"A plain sentence number \#($0) that is fine."}"# }
        var bytes = Array((good[0] + "\n" + good[1] + "\n").utf8)
        bytes += Array(#"{"id":"bad-utf8","text":"caf"#.utf8) + [0xC3, 0x28] + Array("\"}\n".utf8)   // line 3: invalid UTF-8
        bytes += Array("{\"id\": \"broken\", \"text\": \n".utf8)                                      // line 4: malformed JSON
        bytes += Array((good[2] + "\n").utf8)
        try writeFileAtomically(path: root + "/raw/a.jsonl", bytes: bytes)
        // A gzip file cut short: the documents before the cut are read, the cut is reported.
        let gz = try Subprocess.run("/bin/sh", ["-c", "printf '%s\\n' '\(good[3])' '\(good[4])' | gzip -c | head -c 40 > \(root)/raw/b.jsonl.gz"])
        #expect(gz.status == 0)
        return root
    }

    func recipe(_ root: String, policy: String) throws -> String {
        let path = root + "/\(policy).yaml"
        try writeFileAtomically(path: path, bytes: Array("inputs: [raw]\noutput: out-\(policy)\non_error: \(policy)\nsteps: [normalize]\n".utf8))
        return path
    }

    @Test func skipReportsEveryProblemWithFileAndLine() throws {
        let root = try prepare()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try TernBinary.run(["data", "run", try recipe(root, policy: "skip"), "--no-progress"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("a.jsonl:3: invalid UTF-8"), "\(r.stderr)")
        #expect(r.stderr.contains("a.jsonl:4: malformed JSON"), "\(r.stderr)")
        #expect(r.stderr.contains("b.jsonl.gz"), "\(r.stderr)")
        let kept = try String(contentsOfFile: root + "/out-skip/data/00000.jsonl", encoding: .utf8)
        #expect(kept.split(separator: "\n").count == 3)
        let report = try String(contentsOfFile: root + "/out-skip/report.json", encoding: .utf8)
        #expect(report.contains("invalid UTF-8") && report.contains("malformed JSON"))
    }

    @Test func failStopsAtTheFirstProblemWithANonZeroExit() throws {
        let root = try prepare()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // One worker, so that a.jsonl (task 0) meets its problem first.
        let r = try TernBinary.run(["data", "run", try recipe(root, policy: "fail"), "--no-progress", "--workers", "1"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("a.jsonl:3: invalid UTF-8"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/out-fail/data/00000.jsonl"), "no partial output under its final name")
    }
}

/// A recipe that ends in `tokenize`: the kept documents become token shards, the same tokens as
/// `tern data tokenize` makes from the run's data files.
@Suite struct DataRunTokenizeTests {
    @Test func tokenizeStepWritesShardsOfTheKeptDocuments() throws {
        let root = temporaryPath("data-tokenize")
        try FileManager.default.createDirectory(atPath: root + "/raw", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        var lines = ""
        for i in 0..<60 {
            let text = "Document \(i) tells of rivers, bridges and the towns beside them." + (i % 3 == 0 ? " Short." : " More words follow here.")
            lines += String(decoding: try JSONSerialization.data(withJSONObject: ["id": "d\(i)", "text": text]), as: UTF8.self) + "\n"
        }
        try writeFileAtomically(path: root + "/raw/docs.jsonl", bytes: Array(lines.utf8))
        let tok = try TernBinary.run(["tokenizer", "train", "--input", root + "/raw/docs.jsonl", "--vocab-size", "300",
                                      "--special", "<|endoftext|>", "--output", root + "/tokenizer.json"])
        #expect(tok.status == 0, "\(tok.stderr)")
        try writeFileAtomically(path: root + "/r.yaml", bytes: Array("""
            inputs: [raw]
            output: out
            steps:
              - exact_dedup
              - tokenize: {tokenizer: tokenizer.json}
            """.utf8))
        let r = try TernBinary.run(["data", "run", root + "/r.yaml", "--no-progress"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("60 documents read, 60 kept"), "\(r.stderr)")
        let ours = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/out/tokens/manifest.json"))) as? [String: Any]
        let direct = try TernBinary.run(["data", "tokenize", "--tokenizer", root + "/tokenizer.json", "-o", root + "/direct",
                                         "--append-eos", root + "/out/data/00000.jsonl"])
        #expect(direct.status == 0, "\(direct.stderr)")
        let theirs = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/direct/manifest.json"))) as? [String: Any]
        let a = (ours?["train"] as? [String: Any])?["shards"] as? [[String: Any]]
        let b = (theirs?["train"] as? [String: Any])?["shards"] as? [[String: Any]]
        #expect(a?.first?["tokens"] as? Int == b?.first?["tokens"] as? Int && (a?.first?["tokens"] as? Int ?? 0) > 600)
        let checksum = try #require(a?.first?["checksum"] as? String)
        #expect(checksum == b?.first?["checksum"] as? String)
        let report = try String(contentsOfFile: root + "/out/report.json", encoding: .utf8)
        #expect(report.contains("\"tokens\""))
    }
}
