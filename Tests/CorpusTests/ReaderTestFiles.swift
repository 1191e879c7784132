import Foundation
import TestSupport
@testable import Corpus

/// A scratch folder for reader/writer tests, removed by `remove()`.
struct ReaderScratch {
    let path: String

    init(_ name: String) throws {
        path = temporaryPath("readers-\(name)-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to `relative` (folders created) and returns the full path.
    @discardableResult
    func write(_ relative: String, _ bytes: [UInt8]) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        return full
    }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String { try write(relative, Array(text.utf8)) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

enum ReaderFixtures {
    static func jsonl(_ relative: String) -> String { TestEnvironment.fixturePath("corpus/jsonl_fixture/" + relative) }
    static func warc(_ relative: String) -> String { TestEnvironment.fixturePath("corpus/warc_fixture/" + relative) }

    static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// Lines of a text file, without the final empty piece.
    static func lines(_ path: String) throws -> [String] {
        String(decoding: try bytes(path), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init).filter { !$0.isEmpty }
    }

    /// A document as the writer's JSONL line (without "\n"): the form compared with references.
    static func line(_ d: Document) -> String {
        String(decoding: d.jsonLine().dropLast(), as: UTF8.self)
    }
}
