import Foundation
import Testing
import TestSupport
@testable import Corpus

/// No input crashes a reader: mutated fixtures (plain and compressed) are read to the end under
/// `.skip`, each problem reported with the file's name.
@Suite struct ReaderRobustnessTests {
    static func mutate(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var out = bytes
        for _ in 0..<(1 + Int(rng.next() % 8)) where !out.isEmpty {
            let i = Int(rng.next() % UInt64(out.count))
            switch rng.next() % 3 {
            case 0: out[i] = UInt8(truncatingIfNeeded: rng.next())
            case 1: out.remove(at: i)
            default: out.insert(UInt8(truncatingIfNeeded: rng.next()), at: i)
            }
        }
        return out
    }

    @Test(arguments: ["jsonl_fixture/input/docs.jsonl", "jsonl_fixture/input/docs.jsonl.gz", "jsonl_fixture/input/docs.jsonl.zst",
                      "warc_fixture/input/crawl.warc", "warc_fixture/input/crawl.warc.gz"])
    func mutatedInputsNeverCrash(fixture: String) throws {
        let dir = try ReaderScratch("fuzz")
        defer { dir.remove() }
        let original = try ReaderFixtures.bytes(TestEnvironment.fixturePath("corpus/" + fixture))
        let name = String(fixture.split(separator: "/").last!)
        var rng = SplitMix64(seed: UInt64(fixture.utf8.count))
        var unnamed = 0
        for trial in 0..<150 {
            let path = try dir.write("\(trial)-" + name, Self.mutate(original, &rng))
            let reader = try InputDiscovery.discover([path])[0].openReader()
            _ = try reader.readAll()
            unnamed += reader.skipped.filter { $0.file != path }.count
        }
        #expect(unnamed == 0)
    }
}
