import Foundation
import Testing
import TestSupport
@testable import Tokenization

/// The shard file format on its own: written by `TokenShardWriter`, read back by `TokenShard`,
/// and every way a file can be cut short or damaged reported with its path.
@Suite struct TokenShardTests {
    /// A fresh directory; removed by the caller.
    static func directory(_ name: String) -> String {
        let path = temporaryPath(name)
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `documents` as one split and returns the shards.
    static func write(_ documents: [[Int32]], to dir: String, shardTokens: Int, vocabularySize: Int,
                      endOfDocumentToken: Int? = nil) throws -> [TokenShardManifest.Shard] {
        let w = try TokenShardWriter(directory: dir, split: "train", shardTokens: shardTokens,
                                     vocabularySize: vocabularySize, endOfDocumentToken: endOfDocumentToken)
        for d in documents { try w.appendDocument(d) }
        return try w.finish()
    }

    @Test func roundTripsAcrossShards() throws {
        let dir = Self.directory("shards-roundtrip")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Documents of 0…12 ids, 299 (the last id) included; 7 ids per shard.
        let documents: [[Int32]] = (0..<20).map { (d: Int) -> [Int32] in
            (0..<(d % 13)).map { (i: Int) -> Int32 in Int32((d * 31 + i * 7) % 299) } + [299]
        }
        let shards = try Self.write(documents, to: dir, shardTokens: 7, vocabularySize: 300, endOfDocumentToken: 299)
        let all = documents.flatMap { $0 }
        #expect(shards.map(\.tokens) == Array(repeating: 7, count: all.count / 7) + (all.count % 7 == 0 ? [] : [all.count % 7]))
        #expect(shards.map(\.file).first == "train-000000.bin" && shards.map(\.file).last == "train-\(String(format: "%06d", shards.count - 1)).bin")
        var read = [Int32](), documentCount = 0
        for entry in shards {
            let shard = try TokenShard(path: dir + "/" + entry.file)
            #expect(shard.header.bytesPerToken == 2 && shard.header.vocabularySize == 300)
            #expect(shard.header.endOfDocumentToken == 299 && shard.header.tokenCount == entry.tokens)
            #expect(shard.header.checksum == entry.checksum && shard.header.documentCount == entry.documents)
            try shard.verify()
            read += shard.tokens(0..<shard.count)
            documentCount += shard.header.documentCount
            // Each document counts where its last id (the 299) is.
            #expect(shard.header.documentCount == shard.tokens(0..<shard.count).filter { $0 == 299 }.count)
        }
        #expect(read == all)
        #expect(documentCount == documents.count)
        // No temporary file is left beside the shards.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == shards.map(\.file))
    }

    @Test func widthFollowsVocabularySize() throws {
        let dir = Self.directory("shards-width")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (vocabulary, width) in [(65536, 2), (65537, 4), (200_000, 4)] {
            let top = Int32(vocabulary - 1)
            let ids: [Int32] = [0, 1, 255, 256, 65535 % Int32(vocabulary), top]
            let w = try TokenShardWriter(directory: dir, split: "v\(vocabulary)", shardTokens: 100,
                                         vocabularySize: vocabulary, endOfDocumentToken: nil)
            try w.appendDocument(ids)
            let entry = try #require(try w.finish().first)
            let path = dir + "/" + entry.file
            let shard = try TokenShard(path: path)
            #expect(shard.header.bytesPerToken == width, "vocabulary \(vocabulary)")
            #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == 256 + ids.count * width)
            #expect(shard.tokens(0..<ids.count) == ids)
            #expect(shard[5] == top && shard.header.endOfDocumentToken == nil)
        }
    }

    @Test func writerRejectsIdsOutsideTheVocabulary() throws {
        let dir = Self.directory("shards-range")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let w = try TokenShardWriter(directory: dir, split: "train", shardTokens: 4, vocabularySize: 10, endOfDocumentToken: nil)
        try w.appendDocument([1, 2, 3, 4, 5])
        #expect(throws: TokenShardError.tokenOutOfRange(path: dir + "/train-000001.bin", index: 2, token: 10, vocabularySize: 10)) {
            try w.appendDocument([6, 10])
        }
        w.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        #expect(throws: TokenShardError.self) {
            _ = try TokenShardWriter(directory: dir, split: "train", shardTokens: 4, vocabularySize: 10, endOfDocumentToken: 10)
        }
    }

    /// One good shard of 10 uint16 ids, as bytes.
    static func goodShard() throws -> [UInt8] {
        let dir = directory("shards-good")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let entry = try #require(try write([Array(0..<10)], to: dir, shardTokens: 100, vocabularySize: 50).first)
        return Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + entry.file)))
    }

    func open(_ bytes: [UInt8], _ name: String) throws(TokenShardError) -> TokenShard {
        let path = temporaryPath(name)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { unlink(path) }
        return try TokenShard(path: path)
    }

    func expectError(_ bytes: [UInt8], _ name: String, _ check: (TokenShardError) -> Bool) {
        do {
            _ = try open(bytes, name)
            Issue.record("\(name): opened")
        } catch {
            #expect(check(error), "\(name): \(error)")
            #expect(error.description.contains(name), "the message names the file: \(error)")
        }
    }

    @Test func truncatedFilesNameTheFileAndTheSizes() throws {
        let good = try Self.goodShard()
        #expect(good.count == 256 + 20)
        _ = try open(good, "intact.bin")
        for cut in [0, 10, 255] {
            expectError(Array(good[..<cut]), "cut-\(cut).bin") {
                if case .truncated(_, 256, cut) = $0 { return true } else { return false }
            }
        }
        for cut in [256, 257, good.count - 1] {
            expectError(Array(good[..<cut]), "cut-\(cut).bin") {
                if case .truncated(_, 276, cut) = $0 { return true } else { return false }
            }
        }
        expectError(good + [0, 0], "long.bin") {
            if case .trailingBytes(_, 276, 278) = $0 { return true } else { return false }
        }
    }

    @Test func corruptHeadersAreTypedErrors() throws {
        let good = try Self.goodShard()
        func patched(_ offset: Int, _ bytes: [UInt8]) -> [UInt8] {
            var b = good
            b.replaceSubrange(offset..<offset + bytes.count, with: bytes)
            return b
        }
        expectError(patched(0, Array("GGUF".utf8)), "magic.bin") {
            if case .notATokenShard(_, let magic) = $0 { return magic == "\"GGUFTOKS\"" } else { return false }
        }
        expectError(patched(8, [2, 0, 0, 0]), "version.bin") { $0 == .unsupportedVersion(path: $0.path, version: 2) }
        expectError(patched(12, [3, 0, 0, 0]), "width.bin") {
            if case .invalidHeader(_, "bytes per token", _) = $0 { return true } else { return false }
        }
        expectError(patched(12, [4, 0, 0, 0]), "width4.bin") {  // 4 bytes for a 50-token vocabulary
            if case .invalidHeader(_, "bytes per token", _) = $0 { return true } else { return false }
        }
        expectError(patched(32, [0, 0, 0, 0]), "vocabulary.bin") {
            if case .invalidHeader(_, "vocabulary size", _) = $0 { return true } else { return false }
        }
        expectError(patched(36, [50, 0, 0, 0]), "eod.bin") {
            if case .invalidHeader(_, "end-of-document token", _) = $0 { return true } else { return false }
        }
        expectError(patched(200, [1]), "reserved.bin") {
            if case .invalidHeader(_, let field, _) = $0 { return field.hasPrefix("reserved") } else { return false }
        }
        expectError(patched(16, [11]), "count.bin") {  // says 11 ids, holds 10
            if case .truncated(_, 278, 276) = $0 { return true } else { return false }
        }
        // A flipped token byte passes the header checks; `verify` finds it.
        let flipped = try open(patched(256 + 4, [0x07]), "payload.bin")
        #expect(throws: TokenShardError.self) { try flipped.verify() }
        // A token past the vocabulary with a matching checksum: `verify` reports its index.
        var wrong = patched(256 + 6, [60, 0])
        var hash = FNV1a64()
        wrong[256...].withUnsafeBytes { hash.update($0) }
        withUnsafeBytes(of: hash.value.littleEndian) { wrong.replaceSubrange(40..<48, with: $0) }
        let outOfRange = try open(wrong, "range.bin")
        #expect(throws: TokenShardError.tokenOutOfRange(path: outOfRange.path, index: 3, token: 60, vocabularySize: 50)) {
            try outOfRange.verify()
        }
    }

    @Test func manifestRoundTripsAndCatchesMismatches() throws {
        let dir = Self.directory("shards-manifest")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let shards = try Self.write([Array(0..<25)], to: dir, shardTokens: 10, vocabularySize: 40)
        let manifest = TokenShardManifest(
            tokenizer: .init(fingerprint: "fnv1a64:0123456789abcdef", vocabularySize: 40, endOfDocumentToken: nil),
            shardTokens: 10, validationSplit: .fraction(0.25), inputs: [.init(path: "a.jsonl", bytes: 9, documents: 1)],
            train: .init(shards: shards), validation: .init(shards: []))
        try manifest.write(toDirectory: dir)
        #expect(try TokenShardManifest(directory: dir) == manifest)
        let set = try TokenShardSet(directory: dir, split: .train, verify: true)
        #expect(set.tokenCount == 25 && set.tokens(8..<13) == [8, 9, 10, 11, 12] && set.tokens(0..<25) == Array(0..<25))
        #expect(try TokenShardSet(directory: dir, split: .validation).tokenCount == 0)

        // A shard replaced by another one (same name, other counts) disagrees with the manifest.
        let w = try TokenShardWriter(directory: dir, split: "train", shardTokens: 9, vocabularySize: 40, endOfDocumentToken: nil)
        try w.appendDocument(Array(0..<9))
        _ = try w.finish()
        #expect(throws: TokenShardError.manifestMismatch(path: dir + "/train-000000.bin", field: "token count",
                                                         manifest: "10", file: "9")) {
            _ = try TokenShardSet(directory: dir, split: .train)
        }
        #expect(throws: TokenShardError.self) {
            _ = try TokenShardManifest(json: "{\"format\": \"tern-token-shards\", \"version\": 1}", path: "m.json")
        }
    }
}

extension TokenShardError {
    /// The file an error names (tests only).
    var path: String {
        switch self {
        case .cannotOpen(let p, _), .notATokenShard(let p, _), .unsupportedVersion(let p, _), .invalidHeader(let p, _, _),
             .truncated(let p, _, _), .trailingBytes(let p, _, _), .checksumMismatch(let p, _, _),
             .tokenOutOfRange(let p, _, _, _), .writeFailed(let p, _), .invalidInput(let p, _, _),
             .invalidManifest(let p, _), .manifestMismatch(let p, _, _, _), .outputExists(let p):
            return p
        case .noEndOfDocumentToken, .invalidConfiguration: return ""
        }
    }
}
