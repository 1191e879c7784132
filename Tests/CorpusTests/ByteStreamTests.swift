import Foundation
import Testing
import TestSupport
@testable import Corpus

/// The streaming layers at awkward buffer sizes against plain references: decompression against
/// the plain file, the line scanner against splitting the whole file on "\n".
@Suite struct ByteStreamTests {
    static func drain(_ source: any ByteSource, chunk: Int) throws -> [UInt8] {
        var out = [UInt8](), piece = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = try source.read(into: &piece)
            if n == 0 { return out }
            out += piece[..<n]
        }
    }

    @Test(arguments: [1, 3, 7, 4096])
    func decompressesAtAnyBufferSize(size: Int) throws {
        let plain = try ReaderFixtures.bytes(ReaderFixtures.jsonl("input/docs.jsonl"))
        let gz = try GzipByteSource(FileByteSource(path: ReaderFixtures.jsonl("input/docs.jsonl.gz")), name: "gz", inputBufferBytes: size)
        #expect(try Self.drain(gz, chunk: size) == plain)
        let zst = try ZstdByteSource(FileByteSource(path: ReaderFixtures.jsonl("input/docs.jsonl.zst")), name: "zst")
        #expect(try Self.drain(zst, chunk: size) == plain)
    }

    /// The reference: split everything on "\n" (a last piece without "\n" counts if not empty).
    static func referenceLines(_ bytes: [UInt8], limit: Int) -> [String] {
        var pieces = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        if pieces.last?.isEmpty == true { pieces.removeLast() }
        return pieces.map { $0.count > limit ? "<\($0.count) bytes>" : String(decoding: $0, as: UTF8.self) }
    }

    @Test func lineScannerMatchesSplitting() throws {
        var rng = SplitMix64(seed: 11)
        var mismatches = 0
        for trial in 0..<200 {
            var bytes = [UInt8]()
            for _ in 0..<Int(rng.next() % 30) {
                bytes += [UInt8](repeating: UInt8(ascii: "a") + UInt8(rng.next() % 26), count: Int(rng.next() % 40))
                if rng.next() % 5 != 0 { bytes.append(0x0A) }
            }
            let limit = 1 + Int(rng.next() % 50)
            let scanner = LineScanner(source: MemoryByteSource(bytes), maxLineBytes: limit, readBytes: 1 + trial % 9)
            var lines = [String]()
            while let line = try scanner.next() {
                switch line {
                case .bytes(let b): lines.append(String(decoding: b, as: UTF8.self))
                case .tooLong(let n): lines.append("<\(n) bytes>")
                }
            }
            if lines != Self.referenceLines(bytes, limit: limit) || scanner.lineNumber != lines.count { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }
}
