import Foundation
import ModelFiles
import Synchronization
import Testing
@testable import Tokenization

/// The real models the tokenizer tests run on, and the fixtures that go with them.
///
/// A test that needs a model is enabled when the model is installed, or when
/// `TERN_REQUIRE_MODELS=1` (CI): then a missing model fails the test instead of skipping it.
enum TestModels {
    static let requireModels = ProcessInfo.processInfo.environment["TERN_REQUIRE_MODELS"] == "1"

    /// Catalog short name → inference fixture name (Tests/Fixtures/inference/<name>.json).
    static let inferenceFixture: [String: String] = [
        "smollm2-135m": "smollm2-135m-instruct-q4_1",
        "gemma3-270m": "gemma-3-270m-q4_k_m",
        "qwen2.5-0.5b": "qwen2.5-coder-0.5b-instruct-q4_k_m",
        "qwen2.5-1.5b": "qwen2.5-coder-1.5b-instruct-q4_k_m",
    ]

    /// Whether a test on `name` should run.
    static func enabled(_ name: String) -> Bool { requireModels || ModelCatalog.installedPath(name) != nil }

    private static let loaded = Mutex<[String: Tokenizer]>([:])

    /// The tokenizer of a catalog model, loaded once per test process; records an issue when missing.
    static func tokenizer(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Tokenizer? {
        try loaded.withLock { cache in
            if let t = cache[name] { return t }
            guard let path = ModelCatalog.installedPath(name) else {
                Issue.record("model '\(name)' is not installed (TERN_REQUIRE_MODELS=1)", sourceLocation: sourceLocation)
                return nil
            }
            let t = try Tokenizer(path: path)
            cache[name] = t
            return t
        }
    }

    static var fixturesDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures")
    }

    /// A JSON fixture as a dictionary.
    static func json(_ relativePath: String) throws -> [String: Any] {
        let data = try Data(contentsOf: fixturesDirectory.appendingPathComponent(relativePath))
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// A JSONL fixture: a header line, then one record per line. (JSONDecoder, not
    /// JSONSerialization: the latter drops U+FEFF inside strings on Linux.) A path starting with
    /// `/` is taken as is, others are relative to the fixtures directory.
    static func jsonLines<Header: Decodable, Record: Decodable>(_ relativePath: String, _: Header.Type,
                                                                _: Record.Type) throws -> (Header, [Record]) {
        let url = relativePath.hasPrefix("/") ? URL(fileURLWithPath: relativePath)
                                               : fixturesDirectory.appendingPathComponent(relativePath)
        let data = try Data(contentsOf: url)
        let lines = data.split(separator: UInt8(ascii: "\n"))
        let decoder = JSONDecoder()
        let header = try decoder.decode(Header.self, from: Data(try #require(lines.first)))
        return (header, try lines.dropFirst().map { try decoder.decode(Record.self, from: Data($0)) })
    }
}

extension [String: Any] {
    func ints(_ key: String) -> [Int]? { (self[key] as? [Any])?.compactMap { ($0 as? NSNumber)?.intValue } }
    func string(_ key: String) -> String? { self[key] as? String }
}

/// Bytes from a lowercase hex string.
func bytes(fromHex hex: String) -> [UInt8] {
    var out = [UInt8]()
    var it = hex.utf8.makeIterator()
    func nibble(_ c: UInt8) -> UInt8 { c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10 }
    while let a = it.next(), let b = it.next() { out.append(nibble(a) << 4 | nibble(b)) }
    return out
}
