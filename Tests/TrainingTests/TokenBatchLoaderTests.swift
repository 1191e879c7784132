import Foundation
import Testing
import TestSupport
import Tokenization
@testable import Training

/// The loader over streams whose id at position i is i, so every row says which window it is.
@Suite struct TokenBatchLoaderTests {
    /// A directory holding `count` ids 0, 1, 2, … as train shards of `shardTokens` ids (and
    /// `validation` ids likewise as validation shards), with a manifest.
    static func shards(_ count: Int, shardTokens: Int, validation: Int = 0) throws -> String {
        let dir = temporaryPath("loader-shards")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var lists = [TokenShardManifest.ShardList]()
        for (split, n) in [("train", count), ("validation", validation)] {
            let w = try TokenShardWriter(directory: dir, split: split, shardTokens: shardTokens, vocabularySize: 70_000,
                                         endOfDocumentToken: nil)
            if n > 0 { try w.appendDocument((0..<n).map(Int32.init)) }
            lists.append(.init(shards: try w.finish()))
        }
        let manifest = TokenShardManifest(tokenizer: .init(fingerprint: "fnv1a64:0000000000000000", vocabularySize: 70_000,
                                                           endOfDocumentToken: nil),
                                          shardTokens: shardTokens, validationSplit: .none, inputs: [],
                                          train: lists[0], validation: lists[1])
        try manifest.write(toDirectory: dir)
        return dir
    }

    /// The window a row holds, after checking it is a window: T consecutive ids from a
    /// multiple of T, targets one ahead.
    static func windows(_ batch: TokenBatchLoader.Batch) -> [Int] {
        let t = batch.sequenceLength
        return (0..<batch.rows).map { r in
            let inputs = Array(batch.inputs[r * t..<(r + 1) * t]), targets = Array(batch.targets[r * t..<(r + 1) * t])
            let start = Int(inputs[0])
            #expect(start % t == 0, "row \(r) starts at \(start)")
            #expect(inputs == (start..<start + t).map(Int32.init), "row \(r) is not consecutive")
            #expect(targets == inputs.map { $0 + 1 }, "row \(r): targets are not the inputs shifted by one")
            return start / t
        }
    }

    @Test func everyWindowOncePerEpochAcrossShardBoundaries() throws {
        let dir = try Self.shards(1001, shardTokens: 97)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var loader = try TokenBatchLoader(tokens: TokenShardSet(directory: dir, split: .train), batchSize: 7,
                                          sequenceLength: 8, order: .shuffled(seed: 42))
        #expect(loader.windowCount == 125)
        var seen = [Int]()
        while seen.count < 3 * 125 {
            let next = loader.next()
            let batch = try #require(next)
            #expect(batch.rows == 7 && batch.inputs.count == 7 * 8)
            seen += Self.windows(batch)
        }
        let epochs = (0..<3).map { Array(seen[$0 * 125..<($0 + 1) * 125]) }
        for (e, windows) in epochs.enumerated() {
            #expect(windows.sorted() == Array(0..<125), "epoch \(e) does not visit each window once")
            #expect(windows == (0..<125).map { loader.window(epoch: e, position: $0) })
        }
        #expect(epochs[0] != Array(0..<125), "not shuffled")
        #expect(epochs[0] != epochs[1] && epochs[1] != epochs[2], "epochs repeat one order")
        #expect(loader.cursor == .init(epoch: 3, position: seen.count - 375, seed: 42, windowCount: 125))
    }

    @Test func resumingFromAnySavedCursorYieldsTheSameBatches() throws {
        let dir = try Self.shards(2000, shardTokens: 300)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tokens = try TokenShardSet(directory: dir, split: .train)
        let make = { () throws -> TokenBatchLoader in
            try TokenBatchLoader(tokens: tokens, batchSize: 5, sequenceLength: 16, order: .shuffled(seed: 7))
        }
        // 124 windows: 60 steps of 5 cross two epoch ends, one of them inside a batch.
        var loader = try make()
        var cursors = [Data](), batches = [TokenBatchLoader.Batch]()
        for _ in 0..<60 {
            cursors.append(try JSONEncoder().encode(loader.cursor))  // as a checkpoint stores it
            let next = loader.next()
            batches.append(try #require(next))
        }
        for step in 0..<60 {
            var resumed = try make()
            try resumed.restore(try JSONDecoder().decode(TokenBatchLoader.Cursor.self, from: cursors[step]))
            for later in step..<60 { #expect(resumed.next() == batches[later], "resumed at \(step), batch \(later)") }
        }
        // The cursor counts windows: resuming with batches of 1 continues the same windows.
        var single = try TokenBatchLoader(tokens: tokens, batchSize: 1, sequenceLength: 16, order: .shuffled(seed: 7))
        try single.restore(try JSONDecoder().decode(TokenBatchLoader.Cursor.self, from: cursors[30]))
        let next = (0..<10).flatMap { _ in Self.windows(single.next()!) }
        #expect(next == Self.windows(batches[30]) + Self.windows(batches[31]))
    }

    @Test func seedsChooseTheOrder() throws {
        let dir = try Self.shards(5000, shardTokens: 5000)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tokens = try TokenShardSet(directory: dir, split: .train)
        func first(_ seed: UInt64) throws -> [Int] {
            var l = try TokenBatchLoader(tokens: tokens, batchSize: 32, sequenceLength: 4, order: .shuffled(seed: seed))
            return Self.windows(l.next()!)
        }
        #expect(try first(1) == first(1))
        #expect(try first(1) != first(2))
        #expect(Set(try first(1)).count == 32)
    }

    @Test func sequentialPassOverValidationShardsEnds() throws {
        let dir = try Self.shards(50, shardTokens: 20, validation: 95)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var loader = try TokenBatchLoader(tokens: TokenShardSet(directory: dir, split: .validation), batchSize: 4,
                                          sequenceLength: 10, order: .sequential)
        var rows = [Int](), windows = [Int]()
        while let batch = loader.next() {
            rows.append(batch.rows)
            windows += Self.windows(batch)
        }
        #expect(rows == [4, 4, 1] && windows == Array(0..<9))
        #expect(loader.next() == nil && loader.cursor == .init(epoch: 0, position: 9, seed: nil, windowCount: 9))
        // Caller buffers: same ids, rows past the count untouched.
        try loader.restore(.init(epoch: 0, position: 8, seed: nil, windowCount: 9))
        var inputs = [Int32](repeating: -1, count: 40), targets = inputs
        let n = inputs.withUnsafeMutableBufferPointer { i in targets.withUnsafeMutableBufferPointer { loader.next(inputs: i, targets: $0) } }
        #expect(n == 1 && Array(inputs[0..<10]) == (80..<90).map(Int32.init) && Array(targets[0..<10]) == (81..<91).map(Int32.init))
        #expect(inputs[10...].allSatisfy { $0 == -1 })
    }

    @Test func foreignCursorsAndBadSizesAreRefused() throws {
        let dir = try Self.shards(100, shardTokens: 100)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tokens = try TokenShardSet(directory: dir, split: .train)
        var loader = try TokenBatchLoader(tokens: tokens, batchSize: 2, sequenceLength: 9, order: .shuffled(seed: 3))
        #expect(loader.windowCount == 11)
        #expect(throws: TokenBatchLoaderError.cursorMismatch(field: "order", cursor: "seed 4", loader: "seed 3")) {
            try loader.restore(.init(epoch: 0, position: 0, seed: 4, windowCount: 11))
        }
        #expect(throws: TokenBatchLoaderError.cursorMismatch(field: "order", cursor: "sequential", loader: "seed 3")) {
            try loader.restore(.init(epoch: 0, position: 0, seed: nil, windowCount: 11))
        }
        #expect(throws: TokenBatchLoaderError.cursorMismatch(field: "window count", cursor: "12", loader: "11")) {
            try loader.restore(.init(epoch: 0, position: 0, seed: 3, windowCount: 12))
        }
        #expect(throws: TokenBatchLoaderError.self) { try loader.restore(.init(epoch: 0, position: 12, seed: 3, windowCount: 11)) }
        #expect(throws: TokenBatchLoaderError.self) { try loader.restore(.init(epoch: -1, position: 0, seed: 3, windowCount: 11)) }
        #expect(throws: TokenBatchLoaderError.tooFewTokens(tokens: 100, needed: 101)) {
            _ = try TokenBatchLoader(tokens: tokens, batchSize: 1, sequenceLength: 100, order: .sequential)
        }
        #expect(throws: TokenBatchLoaderError.self) {
            _ = try TokenBatchLoader(tokens: tokens, batchSize: 0, sequenceLength: 4, order: .sequential)
        }
        // A position at the end of an epoch is the start of the next.
        try loader.restore(.init(epoch: 2, position: 11, seed: 3, windowCount: 11))
        #expect(loader.cursor == .init(epoch: 3, position: 0, seed: 3, windowCount: 11))
    }

    @Test func permutationIsABijectionForEveryCount() {
        for count in [1, 2, 3, 4, 5, 17, 64, 65, 1000, 4097] {
            for epoch in 0..<3 {
                let p = WindowPermutation(count: count, seed: 99, epoch: epoch)
                #expect((0..<count).map { p[$0] }.sorted() == Array(0..<count), "count \(count), epoch \(epoch)")
            }
        }
        // Large counts cost nothing to set up; positions stay in range and distinct.
        let big = WindowPermutation(count: 3_000_000_000, seed: 1, epoch: 0)
        let sample = (0..<1000).map { big[$0 * 2_999_999] }
        #expect(sample.allSatisfy { $0 >= 0 && $0 < 3_000_000_000 } && Set(sample).count == 1000)
    }
}
