import Foundation
import Testing
import TestSupport
@testable import Corpus

/// A rough, one-run throughput check of the plain JSONL path (not a benchmark: the machine is
/// shared). Runs only with TERN_READER_THROUGHPUT=1; prints MB/s.
@Suite struct JSONLThroughputCheck {
    @Test(.enabled(if: TestEnvironment.value("TERN_READER_THROUGHPUT") == "1"))
    func plainJSONLReadSpeed() throws {
        let dir = try ReaderScratch("speed")
        defer { dir.remove() }
        let writer = try JSONLWriter(path: dir.path + "/speed.jsonl")
        let paragraph = String(repeating: "The quick brown fox jumps over the lazy dog, and then some. ", count: 40)
        for i in 0..<60_000 {
            try writer.write(Document(id: "doc-\(i)", text: paragraph, metadata: [("url", .string("https://example.com/\(i)")), ("score", .number(0.5, integer: nil))]))
        }
        try writer.finish()
        let bytes = writer.bytesWritten
        let clock = ContinuousClock()
        var count = 0
        let elapsed = try clock.measure {
            let reader = try JSONLReader(path: dir.path + "/speed.jsonl")
            while try reader.next() != nil { count += 1 }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print("JSONL read: \(bytes / 1_000_000) MB, \(count) docs in \(seconds) s = \(Double(bytes) / seconds / 1e6) MB/s (unreliable: shared machine)")
        #expect(count == 60_000)
    }
}
