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
        let paragraph = String(repeating: "The quick brown fox jumps over the lazy dog, and then some. ", count: 40)
        var bytes = 0
        for suffix in ["", ".gz", ".zst"] {
            let writer = try JSONLWriter(path: dir.path + "/speed.jsonl" + suffix)
            for i in 0..<60_000 {
                try writer.write(Document(id: "doc-\(i)", text: paragraph,
                                          metadata: [("url", .string("https://example.com/\(i)")), ("score", .number(0.5, integer: nil))]))
            }
            try writer.finish()
            bytes = writer.bytesWritten
        }
        let clock = ContinuousClock()
        for suffix in ["", ".gz", ".zst"] {
            var count = 0
            let elapsed = try clock.measure {
                let reader = try JSONLReader(path: dir.path + "/speed.jsonl" + suffix)
                while try reader.next() != nil { count += 1 }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            print("JSONL\(suffix) read: \(bytes / 1_000_000) MB uncompressed, \(count) docs in \(seconds) s = "
                  + "\(Int(Double(bytes) / seconds / 1e6)) MB/s (one run on a shared machine: unreliable)")
            #expect(count == 60_000)
        }
    }
}
