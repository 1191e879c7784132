import Foundation
import Testing
@testable import Tokenization

/// The trainer's file inputs: streamed text and JSONL, and readable errors for bad files.
@Suite struct BPETrainerInputTests {
    func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-bpe-input-\(getpid())-\(name)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func trainer() throws -> BPETrainer {
        var c = BPETrainer.Configuration()
        c.vocabularySize = 400
        c.minFrequency = 1
        return try BPETrainer(configuration: c)
    }

    @Test func textAndJSONLinesGiveTheSameWords() throws {
        // Lines longer than the 1 MiB read buffer, so that lines are cut across reads.
        let lines = (0..<3).map { i in String(repeating: "word\(i) and more text ", count: 60_000) + "\n" } + ["last line without newline"]
        let text = try temporaryFile("a.txt", Array(lines.joined().utf8))
        let jsonl = try temporaryFile("a.jsonl", Array(lines.map { l in
            String(decoding: try! JSONSerialization.data(withJSONObject: ["id": 1, "text": l]), as: UTF8.self) + "\n"
        }.joined().utf8) + Array("\n".utf8))
        defer { unlink(text); unlink(jsonl) }
        var fromText = try trainer(), fromJSONL = try trainer(), direct = try trainer()
        try fromText.add(contentsOf: text, format: .text)
        try fromJSONL.add(contentsOf: jsonl, format: .guess(path: jsonl))
        for l in lines { direct.add(l) }
        let expected = direct.train()
        #expect(expected.merges.count > 20)
        #expect(fromText.train() == expected)
        #expect(fromJSONL.train() == expected)
    }

    @Test func badInputsNameTheFileAndLine() throws {
        let invalid = try temporaryFile("bad.txt", Array("fine\nstill fine\n".utf8) + [0x66, 0xFF, 0x0A])
        let noText = try temporaryFile("bad.jsonl", Array("{\"text\": \"ok\"}\n{\"body\": \"x\"}\n".utf8))
        let notJSON = try temporaryFile("bad2.jsonl", Array("{\"text\": \"ok\"}\n\n{\"text\": \n".utf8))
        defer { unlink(invalid); unlink(noText); unlink(notJSON) }
        var t = try trainer()
        #expect(throws: BPETrainingError.invalidUTF8(path: invalid, line: 3)) { try t.add(contentsOf: invalid, format: .text) }
        #expect(throws: BPETrainingError.invalidJSONLine(path: noText, line: 2, reason: "no string field \"text\"")) {
            try t.add(contentsOf: noText, format: .guess(path: noText))
        }
        do {
            try t.add(contentsOf: notJSON, format: .guess(path: notJSON))
            Issue.record("no error for a truncated JSON line")
        } catch {
            #expect(error.description.hasPrefix("\(notJSON):3: not valid JSON"))
        }
        #expect(throws: BPETrainingError.self) { try t.add(contentsOf: "/nonexistent/corpus.txt", format: .text) }
    }
}
