import Foundation
import GRDB
import ModelFiles
@testable import Retrieval
import Testing
import TestSupport

/// A deterministic stand-in for a sentence embedder (the store's mechanics do not need MiniLM):
/// each lower-cased word adds ±1 to one of 64 dimensions by its hash; the sum is L2-normalised.
func hashedEmbedding(_ texts: [String]) -> [[Float]] {
    texts.map { text in
        var v = [Float](repeating: 0, count: 64)
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in word.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            v[Int(h % 64)] += (h >> 32) & 1 == 0 ? 1 : -1
        }
        let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return n > 0 ? v.map { $0 / n } : v.enumerated().map { $0.offset == 0 ? 1 : 0 }
    }
}

func smallSettings() -> KnowledgeStoreSettings {
    var s = KnowledgeStoreSettings()
    s.embeddingModel = "hashed-64"
    s.dimension = 64
    s.chunking.maxCharacters = 300
    return s
}

/// Paragraphs of varied made-up prose: enough chunks for the graph and BM25 to matter.
func prose(_ seed: UInt64, paragraphs: Int) -> String {
    var rng = SplitMix64(seed: seed)
    let words = ["river", "bridge", "mill", "harbour", "lantern", "granite", "orchard", "meadow", "signal", "engine", "copper",
                 "ledger", "winter", "garden", "tower", "valley", "market", "archive", "compass", "timber", "glacier", "falcon",
                 "the", "a", "of", "and", "near", "under", "beside", "old", "quiet", "northern", "small", "bright"]
    return (0..<paragraphs).map { _ in
        (0..<(3 + rng.int(3))).map { _ in
            let s = (0..<(6 + rng.int(10))).map { _ in words[rng.int(words.count)] }.joined(separator: " ")
            return s.prefix(1).uppercased() + s.dropFirst() + "."
        }.joined(separator: " ")
    }.joined(separator: "\n\n")
}

@Suite struct KnowledgeStoreTests {
    func makeFolder(_ name: String, documents: Int = 12) throws -> String {
        let root = temporaryPath(name)
        try FileManager.default.createDirectory(atPath: root + "/docs/sub", withIntermediateDirectories: true)
        for i in 0..<documents {
            let path = root + "/docs/" + (i % 3 == 0 ? "sub/" : "") + "doc\(i).md"
            try writeFileAtomically(path: path, bytes: Array("# Document \(i)\n\n\(prose(UInt64(i), paragraphs: 6))\n".utf8))
        }
        return root
    }

    @Test func reopenedStoreSearchesWithoutRebuildingAndBM25EqualsTheIndex() throws {
        let root = try makeFolder("kb-reopen")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/kb.sqlite"
        let indexer = try KnowledgeIndexer(store: try KnowledgeStore.openOrCreate(path: path, settings: smallSettings()), embed: hashedEmbedding)
        let report = try indexer.index(paths: [root + "/docs"])
        #expect(report.documentsAdded == 12 && report.files == 12 && report.issues.isEmpty)
        #expect(report.chunksAdded > 40, "\(report)")

        // A second process-like open: a new store object, a new searcher.
        let store = try KnowledgeStore.open(path: path)
        #expect(store.settings == smallSettings())
        let stats = try store.statistics()
        #expect(stats.documents == 12 && stats.chunks == report.chunksAdded && stats.vectorNodes == report.chunksAdded)
        let searcher = KnowledgeSearcher(store: store, embed: hashedEmbedding)

        // BM25 over stored postings equals the in-memory BM25Index over the same indexed texts.
        let rows = try store.read { db in try Row.fetchAll(db, sql: """
            SELECT c.id, c.text, c.headings, d.title FROM chunks c JOIN documents d ON d.id = c.document_id ORDER BY c.id
            """) }
        var memory = BM25Index(analyzer: store.settings.analyzer)
        var ids = [Int]()
        for row in rows {
            let headings = try JSONDecoder().decode([String].self, from: Data((row[2] as String).utf8))
            var chunk = Chunk(documentID: "x", ordinal: 0, text: row[1], headings: headings)
            chunk.headings = headings
            memory.add(KnowledgeIndexer.indexedText(chunk, title: row[3]))
            ids.append(row[0])
        }
        for query in ["granite harbour lantern", "quiet northern glacier falcon", "Document 7", "copper copper ledger"] {
            let expected = memory.search(query, k: 10).map { (ids[$0.document], $0.score) }
            let got = try searcher.search(query, options: SearchOptions(k: 10, mode: .bm25))
            #expect(got.count == expected.count)
            for (g, e) in zip(got, expected) {
                #expect(abs(g.score - e.1) < 1e-9, "\(query): \(g.score) vs \(e.1)")
            }
            #expect(Set(got.map(\.chunkID)) == Set(expected.map(\.0)) || got.last?.score == expected.last?.1, "\(query)")
        }

        // Every chunk finds itself first by its own text's vector (the stored graph is navigable).
        var selfHits = 0
        for row in rows.prefix(30) {
            let hit = try searcher.search(row[1] as String, options: SearchOptions(k: 1, mode: .vector)).first
            let chunkText: String = row[1]
            if hit?.text == chunkText || (hit?.similarity ?? 0) > 0.999 { selfHits += 1 }
        }
        #expect(selfHits >= 28, "\(selfHits)/30")
    }

    /// Hybrid search fuses the store's own vector and BM25 lists (50 each) as its options say: the
    /// default (RRF, k 20, vector weight 0.8), the paper's RRF (k 60, equal weights) and min-max
    /// weighted scores, each recomputed here from the two lists by plain arithmetic.
    @Test func hybridFusesBothListsAsConfigured() throws {
        let root = try makeFolder("kb-fusion")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/kb.sqlite"
        try KnowledgeIndexer(store: try KnowledgeStore.openOrCreate(path: path, settings: smallSettings()), embed: hashedEmbedding)
            .index(paths: [root + "/docs"])
        let searcher = KnowledgeSearcher(store: try KnowledgeStore.open(path: path), embed: hashedEmbedding)
        #expect(SearchOptions().fusion == .reciprocalRank(k: 20, vectorWeight: 0.8))
        for query in ["granite harbour lantern", "quiet northern glacier falcon", "copper ledger engines"] {
            let vector = try searcher.search(query, options: SearchOptions(k: 50, mode: .vector))
            let bm25 = try searcher.search(query, options: SearchOptions(k: 50, mode: .bm25))
            #expect(vector.count == 50 && !bm25.isEmpty, "\(query)")
            let fusions: [SearchOptions.Fusion] = [SearchOptions().fusion, .reciprocalRank(k: 60, vectorWeight: 0.5), .weighted(vectorWeight: 0.7)]
            for fusion in fusions {
                var expected = [Int: Double]()
                switch fusion {
                case .reciprocalRank(let k, let w):
                    for h in vector { expected[h.chunkID, default: 0] += 2 * w / (k + Double(h.rank)) }
                    for h in bm25 { expected[h.chunkID, default: 0] += 2 * (1 - w) / (k + Double(h.rank)) }
                case .weighted(let w):
                    for (list, weight) in [(vector, w), (bm25, 1 - w)] {
                        let lo = list.map(\.score).min()!, hi = list.map(\.score).max()!
                        for h in list { expected[h.chunkID, default: 0] += weight * (h.score - lo) / (hi - lo) }
                    }
                }
                var options = SearchOptions(k: 10, mode: .hybrid)
                options.fusion = fusion
                let got = try searcher.search(query, options: options)
                let best = expected.values.sorted(by: >).prefix(10)
                #expect(got.count == 10, "\(query) \(fusion)")
                for (g, e) in zip(got, best) {
                    #expect(abs(g.score - e) < 1e-12 && abs(expected[g.chunkID]! - e) < 1e-12, "\(query) \(fusion): rank \(g.rank)")
                }
            }
        }
    }

    @Test func changedDocumentReplacesOnlyItsChangedChunks() throws {
        let root = try makeFolder("kb-change", documents: 4)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/kb.sqlite"
        let store = try KnowledgeStore.openOrCreate(path: path, settings: smallSettings())
        try KnowledgeIndexer(store: store, embed: hashedEmbedding).index(paths: [root + "/docs"])
        let file = root + "/docs/doc1.md"
        func chunkIDs() throws -> [String: Int] {
            try store.read { db in
                Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: """
                    SELECT c.key, c.id FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.source = ?
                    """, arguments: [file]).map { ($0[0] as String, $0[1] as Int) })
            }
        }
        let before = try chunkIDs()
        // Insert a paragraph at the top and change the last one: the middle chunks keep their ids.
        var text = try String(contentsOfFile: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "# Document 1\n\n", with: "# Document 1\n\nA new opening paragraph about falcons.\n\n")
        text += "\nAn added closing paragraph about copper engines.\n"
        try writeFileAtomically(path: file, bytes: Array(text.utf8))
        let report = try KnowledgeIndexer(store: try KnowledgeStore.open(path: path), embed: hashedEmbedding).index(paths: [root + "/docs"])
        #expect(report.documentsChanged == 1 && report.documentsUnchanged == 3, "\(report)")
        let after = try chunkIDs()
        let kept = Set(before.keys).intersection(after.keys)
        #expect(report.chunksKept == kept.count && kept.count >= before.count - 3, "\(report), \(before.count) before")
        #expect(report.chunksAdded >= 1 && report.chunksAdded <= 4 && report.chunksRemoved == before.count - kept.count, "\(report)")
        for key in kept { #expect(before[key] == after[key], "chunk \(key) kept its id") }

        // Postings stay consistent: each term's df is the number of chunks that have it.
        let mismatches = try store.read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM terms t WHERE t.df != (SELECT count(*) FROM postings p WHERE p.term_id = t.id)
                """) ?? -1
        }
        #expect(mismatches == 0)
        let stats = try store.statistics()
        #expect(stats.deletedVectorNodes == report.chunksRemoved && stats.vectorNodes - stats.deletedVectorNodes == stats.chunks)

        // Indexing again changes nothing; removing the file and pruning drops its chunks.
        let again = try KnowledgeIndexer(store: store, embed: hashedEmbedding).index(paths: [root + "/docs"])
        #expect(again.documentsUnchanged == 4 && again.chunksAdded == 0)
        try FileManager.default.removeItem(atPath: file)
        let pruned = try KnowledgeIndexer(store: store, embed: hashedEmbedding).index(paths: [root + "/docs"], prune: true)
        let remaining = try store.statistics().documents
        #expect(pruned.documentsRemoved == 1 && remaining == 3)
        let searcher = KnowledgeSearcher(store: store, embed: hashedEmbedding)
        let hits = try searcher.search("falcons copper engines", options: SearchOptions(k: 50, mode: .hybrid))
        #expect(!hits.contains { $0.source == file }, "a removed document is never returned")
    }

    /// Rewritten documents leave deleted HNSW nodes; compaction drops them in one transaction and
    /// the store answers as before (exhaustive searches: the same chunks and scores), reopened too.
    /// `index` compacts by itself past the threshold.
    @Test func compactionDropsDeletedNodesAndKeepsAnswers() throws {
        let root = try makeFolder("kb-compact", documents: 12)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/kb.sqlite"
        let store = try KnowledgeStore.openOrCreate(path: path, settings: smallSettings())
        func rewrite(_ seed: UInt64) throws {
            for i in 0..<12 where i % 2 == 0 {
                let file = root + "/docs/" + (i % 3 == 0 ? "sub/" : "") + "doc\(i).md"
                try writeFileAtomically(path: file, bytes: Array("# Document \(i)\n\n\(prose(seed + UInt64(i), paragraphs: 6))\n".utf8))
            }
        }
        let indexer = try KnowledgeIndexer(store: store, embed: hashedEmbedding)
        indexer.compactionThreshold = nil
        try indexer.index(paths: [root + "/docs"])
        try rewrite(100)
        try indexer.index(paths: [root + "/docs"])
        let before = try store.statistics()
        #expect(before.deletedVectorNodes * 4 > before.vectorNodes, "\(before)")
        var options = SearchOptions(k: 8, mode: .vector)
        options.ef = 2000
        let queries = ["granite lantern orchard", "winter market falcon", "copper engine ledger"]
        // The scores in order, and the chunks above the last score (equal scores may come in any
        // order, and a tie at the cut may admit either chunk).
        struct Answer: Equatable { var scores: [Double]; var above: Set<Int> }
        func answers(_ s: KnowledgeStore) throws -> [Answer] {
            let searcher = KnowledgeSearcher(store: s, embed: hashedEmbedding)
            return try queries.map { q in
                let hits = try searcher.search(q, options: options)
                return Answer(scores: hits.map(\.score), above: Set(hits.filter { $0.score > hits.last!.score }.map(\.chunkID)))
            }
        }
        let expected = try answers(store)

        #expect(try indexer.compactVectors() == before.deletedVectorNodes)
        let after = try store.statistics()
        #expect(after.deletedVectorNodes == 0 && after.vectorNodes == after.chunks && after.chunks == before.chunks, "\(after)")
        let consistent = try store.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM chunks c JOIN hnsw_nodes h ON h.chunk_id = c.id AND h.slot = c.vector_slot"),
             try Int.fetchOne(db, sql: "SELECT max(slot) + 1 FROM hnsw_nodes"))
        }
        #expect(consistent.0 == after.chunks && consistent.1 == after.chunks)
        let got = try answers(store)
        #expect(got == expected, "\(got) vs \(expected)")
        #expect(try answers(try KnowledgeStore.open(path: path)) == expected)
        #expect(try indexer.compactVectors() == 0)

        // The default threshold compacts at the end of a run that passes it; indexing goes on after.
        try rewrite(200)
        indexer.compactionThreshold = 0.25
        let report = try indexer.index(paths: [root + "/docs"])
        let final = try store.statistics()
        #expect(report.vectorNodesCompacted > 0 && final.deletedVectorNodes == 0 && final.vectorNodes == final.chunks, "\(report) \(final)")
        try rewrite(300)
        try indexer.index(paths: [root + "/docs"])
        #expect(try KnowledgeSearcher(store: store, embed: hashedEmbedding).search("granite lantern", options: SearchOptions(k: 5)).count == 5)
    }

    /// A store that chunks by tokens needs the model's token counter: without it the indexer
    /// refuses (naming why) and writes nothing; with it every chunk fits the window.
    @Test func tokenChunkingNeedsTheTokenCounter() throws {
        let root = try makeFolder("kb-tokens", documents: 3)
        defer { try? FileManager.default.removeItem(atPath: root) }
        var settings = smallSettings()
        settings.chunking = ChunkingSettings(method: .tokens, windowTokens: 24, overlapTokens: 4)
        let store = try KnowledgeStore.openOrCreate(path: root + "/kb.sqlite", settings: settings)
        let indexer = try KnowledgeIndexer(store: store, embed: hashedEmbedding)
        do { try indexer.index(paths: [root + "/docs"]); Issue.record("indexed without a token counter") } catch {
            #expect(error.description.contains("token counter"), "\(error)")
        }
        #expect(try store.statistics().chunks == 0)
        // A stand-in counter: one token per 3 characters of a word, rounded up.
        let counter: @Sendable (Substring) -> Int = { $0.split(whereSeparator: \.isWhitespace).reduce(0) { $0 + ($1.count + 2) / 3 } }
        indexer.countTokens = counter
        try indexer.index(paths: [root + "/docs"])
        let texts = try store.read { db in try String.fetchAll(db, sql: "SELECT text FROM chunks") }
        #expect(texts.count > 10 && texts.allSatisfy { counter(Substring($0)) <= 24 }, "\(texts.map { counter(Substring($0)) })")
    }

    /// A searcher's BM25 is a snapshot: after a writer adds chunks with the query's terms, the
    /// searcher that already answered (lengths and postings in memory) answers as before, terms it
    /// reads for the first time included; a new searcher sees the new chunks, with scores equal to
    /// a searcher that never cached anything.
    @Test func bm25IsASnapshotPerSearcher() throws {
        let root = try makeFolder("kb-snapshot", documents: 6)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try KnowledgeStore.openOrCreate(path: root + "/kb.sqlite", settings: smallSettings())
        let indexer = try KnowledgeIndexer(store: store, embed: hashedEmbedding)
        try indexer.index(paths: [root + "/docs"])
        let old = KnowledgeSearcher(store: store, embed: hashedEmbedding)
        let options = SearchOptions(k: 20, mode: .bm25)
        func answer(_ s: KnowledgeSearcher, _ q: String) throws -> [String] { try s.search(q, options: options).map { "\($0.chunkID) \($0.score)" } }
        let before = try answer(old, "granite lantern")
        let chunksBefore = try store.statistics().chunks
        // New documents full of the query's words and of a word no chunk had.
        try indexer.index(documents: (0..<4).map {
            SourceDocument(source: "extra/\($0)", text: "granite lantern granite zephyrine lantern granite", format: .text)
        })
        #expect(try store.statistics().chunks == chunksBefore + 4)
        #expect(try answer(old, "granite lantern") == before)
        #expect(try old.search("zephyrine", options: options).isEmpty, "a term first read after the write: still the old snapshot")
        let fresh = KnowledgeSearcher(store: store, embed: hashedEmbedding)
        let now = try answer(fresh, "granite lantern")
        #expect(now != before && now.prefix(4).allSatisfy { hit in hit.split(separator: " ").first.flatMap { Int($0) }.map { $0 > chunksBefore } ?? false })
        #expect(try fresh.search("zephyrine", options: options).count == 4)
        // Cached postings change nothing: the same queries again, and on a third searcher.
        #expect(try answer(fresh, "granite lantern") == now)
        #expect(try answer(KnowledgeSearcher(store: store, embed: hashedEmbedding), "granite lantern") == now)
    }

    /// An indexer made without an embedding function compacts and removes, and refuses to add,
    /// naming the missing vectors, with nothing written.
    @Test func anIndexerWithoutEmbeddingsRefusesToAdd() throws {
        let root = temporaryPath("kb-no-embed")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try KnowledgeStore.openOrCreate(path: root + "/kb.sqlite", settings: smallSettings())
        let indexer = try KnowledgeIndexer(store: store)
        #expect(try indexer.compactVectors() == 0)
        do {
            try indexer.index(documents: [SourceDocument(source: "a", text: "granite lantern", format: .text)])
            Issue.record("added a document without vectors")
        } catch {
            #expect(error.description.contains("gave 0 vectors for 1 texts"), "\(error)")
        }
        #expect(try store.statistics().documents == 0)
    }

    @Test func readersSearchWhileOneWriterIndexes() throws {
        let root = try makeFolder("kb-concurrent", documents: 30)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/kb.sqlite"
        let store = try KnowledgeStore.openOrCreate(path: path, settings: smallSettings())
        let indexer = try KnowledgeIndexer(store: store, embed: hashedEmbedding)
        indexer.batchChunks = 8
        let done = Mutex(false)
        let failures = Mutex([String]())
        let reader = Thread {
            var lastCount = 0, searches = 0
            while !done.withLock({ $0 }) || searches < 5 {
                do {
                    let s = try KnowledgeStore.open(path: path)
                    let count = try s.statistics().chunks
                    if count < lastCount { failures.withLock { $0.append("chunk count went down \(lastCount) → \(count)") } }
                    lastCount = count
                    let hits = try KnowledgeSearcher(store: s, embed: hashedEmbedding).search("granite lantern", options: SearchOptions(k: 5))
                    if count > 0 && hits.isEmpty { failures.withLock { $0.append("no hits with \(count) chunks") } }
                    searches += 1
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        reader.start()
        let report = try indexer.index(paths: [root + "/docs"])
        done.withLock { $0 = true }
        while reader.isExecuting || !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        #expect(report.documentsAdded == 30)
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 }.prefix(3))")
    }

    @Test func searchesFilterByMetadataAndSource() throws {
        let root = temporaryPath("kb-filter")
        try FileManager.default.createDirectory(atPath: root + "/docs", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        var lines = ""
        for i in 0..<60 {
            let record: [String: Any] = ["id": "r\(i)", "text": prose(UInt64(100 + i), paragraphs: 1), "shelf": i % 3 == 0 ? "north" : "south",
                                         "year": 1900 + i % 4]
            lines += String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        try writeFileAtomically(path: root + "/docs/a.jsonl", bytes: Array(lines.utf8))
        try writeFileAtomically(path: root + "/docs/b.md", bytes: Array(prose(7, paragraphs: 8).utf8))
        let store = try KnowledgeStore.openOrCreate(path: root + "/kb.sqlite", settings: smallSettings())
        try KnowledgeIndexer(store: store, embed: hashedEmbedding).index(paths: [root + "/docs"])
        let searcher = KnowledgeSearcher(store: store, embed: hashedEmbedding)
        for mode in SearchMode.allCases {
            var options = SearchOptions(k: 40, mode: mode)
            options.metadata = ["shelf": "north", "year": "1900"]
            let hits = try searcher.search("river bridge lantern granite", options: options)
            // Records 0, 12, 24, 36, 48 are north and 1900.
            #expect(Set(hits.map(\.source)).isSubset(of: Set([0, 12, 24, 36, 48].map { root + "/docs/a.jsonl#r\($0)" })), "\(mode)")
            #expect(Set(hits.map(\.source)).count == 5, "\(mode): every matching record has a chunk with a shared word")
            // A broad filter (two thirds of the records) goes through the graph walk.
            options.metadata = ["shelf": "south"]
            let south = try searcher.search("river bridge lantern granite", options: options)
            #expect(south.count == 40 && south.allSatisfy { hit in
                (0..<60).contains { $0 % 3 != 0 && hit.source == root + "/docs/a.jsonl#r\($0)" }
            }, "\(mode)")
            options.metadata = [:]
            options.sourcePrefix = root + "/docs/b"
            let inB = try searcher.search("river bridge lantern granite", options: options)
            #expect(!inB.isEmpty && inB.allSatisfy { $0.source == root + "/docs/b.md" }, "\(mode)")
        }
    }

    @Test func oneWriterAtATime() throws {
        let root = temporaryPath("kb-writers")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try KnowledgeStore.openOrCreate(path: root + "/kb.sqlite", settings: smallSettings())
        var first: KnowledgeIndexer? = try KnowledgeIndexer(store: store, embed: hashedEmbedding)
        do { _ = try KnowledgeIndexer(store: try KnowledgeStore.open(path: root + "/kb.sqlite"), embed: hashedEmbedding); Issue.record("two writers") } catch {
            #expect("\(error)".contains("another indexer is writing this store"))
        }
        #expect(first != nil)
        first = nil  // released: the next one may write
        #expect(throws: Never.self) { _ = try KnowledgeIndexer(store: store, embed: hashedEmbedding) }
    }

    @Test func anotherEmbeddingModelIsRefusedNotACrash() throws {
        let root = temporaryPath("kb-dimension")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try KnowledgeStore.openOrCreate(path: root + "/kb.sqlite", settings: smallSettings())
        let small: ([String]) -> [[Float]] = { texts in texts.map { _ in [Float](repeating: 0.25, count: 16) } }
        let doc = SourceDocument(source: "a.md", text: "Granite harbour lanterns.", format: .markdown)
        do { try KnowledgeIndexer(store: store, embed: small).index(documents: [doc]); Issue.record("indexed 16-value vectors") } catch {
            #expect("\(error)".contains("gives 16 values; this store was made with hashed-64 (64)"), "\(error)")
        }
        try KnowledgeIndexer(store: store, embed: hashedEmbedding).index(documents: [doc])
        do { _ = try KnowledgeSearcher(store: store, embed: small).search("granite"); Issue.record("searched with 16 values") } catch {
            #expect("\(error)".contains("gives 16 values"), "\(error)")
        }
    }

    @Test func filesThatAreNotStoresAreRefusedByName() throws {
        let root = temporaryPath("kb-bad")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(throws: KnowledgeStoreError.self) { try KnowledgeStore.open(path: root + "/missing.sqlite") }
        try writeFileAtomically(path: root + "/text.sqlite", bytes: Array(String(repeating: "not a database ", count: 100).utf8))
        do { _ = try KnowledgeStore.open(path: root + "/text.sqlite"); Issue.record("opened a text file") } catch {
            let message = "\(error)"
            #expect(message.contains("text.sqlite") && message.contains("not a database"), "\(message)")
        }
        let other = try DatabaseQueue(path: root + "/other.sqlite")
        try other.write { db in try db.execute(sql: "CREATE TABLE t(x)") }
        do { _ = try KnowledgeStore.open(path: root + "/other.sqlite"); Issue.record("opened another database") } catch {
            #expect(error.description.contains("not a Tern retrieval store"), "\(error)")
        }
    }
}

/// A value behind a lock (tests' own; Synchronization's Mutex is not Sendable-friendly in closures here).
final class Mutex<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T { lock.lock(); defer { lock.unlock() }; return body(&value) }
}
