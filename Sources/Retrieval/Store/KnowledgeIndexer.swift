#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Corpus
import Foundation
import GRDB

/// What an indexing run did.
public struct IndexingReport: Sendable, Codable, Equatable {
    public var files = 0
    public var documentsAdded = 0
    public var documentsChanged = 0
    public var documentsUnchanged = 0
    public var documentsRemoved = 0
    public var chunksAdded = 0
    public var chunksRemoved = 0
    public var chunksKept = 0
    /// Deleted HNSW nodes dropped by compaction (`KnowledgeIndexer.compactionThreshold`).
    public var vectorNodesCompacted = 0
    /// Files and records not indexed, each with its reason.
    public var issues: [String] = []
    public init() {}
}

/// Adds documents to a store: loads files, chunks them, embeds the new chunks, and commits
/// documents in batches (each batch one transaction: its documents, chunks, postings, vectors and
/// the HNSW nodes it touched). Re-indexing a document whose text is unchanged does nothing; a
/// changed document keeps the chunks whose text is unchanged (same key, vector and postings) and
/// replaces only the others. A run killed at any moment leaves the store as of its last commit,
/// and the next run carries on from there: committed documents are unchanged, so they are skipped.
public final class KnowledgeIndexer {
    public let store: KnowledgeStore
    /// Reads files (limits for size, binary and UTF-8 checks).
    public var loader = SourceLoader()
    /// New chunks per commit (default 64): the embedding batch, and the most a kill can lose.
    public var batchChunks = 64
    /// Once deleted HNSW nodes (left by changed and removed chunks) are more than this fraction of
    /// the graph's nodes, `index` and `remove` end by rebuilding the graph from the live vectors
    /// (`compactVectors`). Default 0.25; nil never compacts.
    public var compactionThreshold: Double? = 0.25
    /// The embedding model's token count of a piece of text (no special tokens): stores that
    /// chunk by tokens need it (`index` refuses to run without it).
    public var countTokens: (@Sendable (Substring) -> Int)?
    /// Called after each commit with the running report and the files done / total.
    public var progress: ((IndexingReport, _ filesDone: Int, _ filesTotal: Int) -> Void)?

    private let embed: ([String]) -> [[Float]]
    private var vectors: HNSWIndex
    private var pending: [DocumentPlan] = []
    private var pendingChunks = 0
    private var report = IndexingReport()
    /// Set when a commit failed after the in-memory graph had changed: the indexer must not go on.
    private var broken = false
    /// The store file, held with an exclusive `flock` while this indexer lives: one writer at a
    /// time (a second would extend a graph it read before the first one's commits).
    private let lock: Int32

    /// An indexer over `store` that embeds with `embed` (texts → unit vectors of the store's
    /// dimension). Without `embed` it can remove documents and compact the graph, and adding one
    /// fails naming the missing vectors. Fails when another indexer (in any process) is writing the store.
    public init(store: KnowledgeStore, embed: @escaping ([String]) -> [[Float]] = { _ in [] }) throws(KnowledgeStoreError) {
        self.store = store
        self.embed = embed
        let fd = open(store.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw KnowledgeStoreError(path: store.path, problem: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw KnowledgeStoreError(path: store.path, problem: "another indexer is writing this store; wait for it to finish")
        }
        lock = fd
        do {
            vectors = try store.read { db in try store.loadVectorIndex(db) }
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(lock) }

    /// Indexes every loadable file under `paths`. With `prune`, documents that came from these
    /// paths but are no longer there (files deleted, JSONL records gone) are removed.
    @discardableResult
    public func index(paths: [String], prune: Bool = false) throws(KnowledgeStoreError) -> IndexingReport {
        report = IndexingReport()
        let (files, listIssues) = loader.files(under: paths)
        report.issues += listIssues.map(\.description)
        report.files = files.count
        var seen = Set<String>()
        for (i, file) in files.enumerated() {
            let (documents, issues) = loader.load(path: file)
            report.issues += issues.map(\.description)
            for document in documents {
                seen.insert(document.source)
                try add(document)
            }
            if !issues.isEmpty, InputFile.classify((file as NSString).lastPathComponent)?.kind != .jsonl {
                seen.insert(file)  // a file that could not be read keeps what it had
            }
            if pendingChunks >= batchChunks || i == files.count - 1 { try flush(filesDone: i + 1, filesTotal: files.count) }
        }
        if prune { try removeMissing(under: paths, listed: Set(files), seen: seen) }
        try compactIfNeeded()
        return report
    }

    /// Indexes documents given directly (library use); commits before returning.
    @discardableResult
    public func index(documents: [SourceDocument]) throws(KnowledgeStoreError) -> IndexingReport {
        report = IndexingReport()
        for document in documents {
            try add(document)
            if pendingChunks >= batchChunks { try flush(filesDone: 0, filesTotal: 0) }
        }
        try flush(filesDone: 0, filesTotal: 0)
        try compactIfNeeded()
        return report
    }

    /// Removes documents by source; returns how many there were.
    @discardableResult
    public func remove(sources: [String]) throws(KnowledgeStoreError) -> Int {
        try guardUsable()
        var removed = 0
        try commit { db in
            for source in sources {
                guard let id = try Int.fetchOne(db, sql: "SELECT id FROM documents WHERE source = ?", arguments: [source]) else { continue }
                for chunk in try Int.fetchAll(db, sql: "SELECT id FROM chunks WHERE document_id = ?", arguments: [id]) {
                    try self.deleteChunk(db, id: chunk)
                }
                try db.execute(sql: "DELETE FROM documents WHERE id = ?", arguments: [id])
                removed += 1
            }
        }
        report.documentsRemoved += removed
        try compactIfNeeded()
        return removed
    }

    /// Rebuilds the stored HNSW graph from its live vectors in one transaction, dropping the deleted
    /// nodes (a kill leaves the old graph or the new one, never a mix); chunk ids, vectors and
    /// postings are unchanged. Returns how many deleted nodes were dropped.
    @discardableResult
    public func compactVectors() throws(KnowledgeStoreError) -> Int {
        try guardUsable()
        let dropped = vectors.deletedSlotCount
        guard dropped > 0 else { return 0 }
        vectors = vectors.compacted()
        try commit { db in
            try db.execute(sql: "DELETE FROM hnsw_nodes")
            let update = try db.cachedStatement(sql: "UPDATE chunks SET vector_slot = ? WHERE id = ?")
            for (slot, id) in self.vectors.ids.enumerated() { try update.execute(arguments: [slot, id]) }
        }
        report.vectorNodesCompacted += dropped
        return dropped
    }

    private func compactIfNeeded() throws(KnowledgeStoreError) {
        guard let threshold = compactionThreshold, vectors.slotCount > 0,
              Double(vectors.deletedSlotCount) > threshold * Double(vectors.slotCount) else { return }
        try compactVectors()
    }

    // MARK: - Planning

    /// What must change for one document.
    struct DocumentPlan {
        var document: SourceDocument
        var contentHash: String
        var existingID: Int?
        /// Chunks of the new text in order, with their keys; `existing` is the chunk id when the key is stored.
        var chunks: [(chunk: Chunk, key: String, existing: Int?)]
        /// Stored chunks whose key is gone (ids).
        var removed: [Int]
    }

    private func add(_ document: SourceDocument) throws(KnowledgeStoreError) {
        try guardUsable()
        let hash = Self.contentHash(document.text + "\u{0}" + (document.title ?? "") + "\u{0}"
            + document.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{0}"))
        let stored = try store.read { db -> (id: Int, hash: String, chunks: [String: Int])? in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, content_hash FROM documents WHERE source = ?",
                                             arguments: [document.source]) else { return nil }
            var chunks = [String: Int]()
            for c in try Row.fetchAll(db, sql: "SELECT key, id FROM chunks WHERE document_id = ?", arguments: [row[0] as Int]) {
                chunks[c[0]] = c[1]
            }
            return (row[0], row[1], chunks)
        }
        if let stored, stored.hash == hash, !pending.contains(where: { $0.document.source == document.source }) {
            report.documentsUnchanged += 1
            return
        }
        var occurrences = [UInt64: Int]()
        var planned = [(chunk: Chunk, key: String, existing: Int?)]()
        if store.settings.chunking.method == .tokens && countTokens == nil {
            throw KnowledgeStoreError(path: store.path, problem: "this store chunks by tokens: the indexer needs the embedding model's token counter")
        }
        for chunk in store.settings.chunking.chunks(of: document.text, source: document.source, countTokens: countTokens) {
            let n = occurrences[chunk.contentHash, default: 0]
            occurrences[chunk.contentHash] = n + 1
            let key = chunk.storeKey(occurrence: n)
            planned.append((chunk, key, stored?.chunks[key]))
        }
        let keys = Set(planned.map(\.key))
        let removed = (stored?.chunks ?? [:]).filter { !keys.contains($0.key) }.map(\.value)
        pending.append(DocumentPlan(document: document, contentHash: hash, existingID: stored?.id, chunks: planned, removed: removed))
        pendingChunks += planned.filter { $0.existing == nil }.count
    }

    /// The chunks' FNV-1a and the byte count, as text: change detection.
    static func contentHash(_ text: String) -> String { String(Chunk.fnv1a(text), radix: 16) + "-\(text.utf8.count)" }

    /// The text embedded and indexed for a chunk: its document title and headings, then the text.
    static func indexedText(_ chunk: Chunk, title: String?) -> String {
        var context = chunk.headings
        if let title, !title.isEmpty, context.first != title { context.insert(title, at: 0) }
        return context.isEmpty ? chunk.text : context.joined(separator: " › ") + "\n" + chunk.text
    }

    // MARK: - Committing

    private func flush(filesDone: Int, filesTotal: Int) throws(KnowledgeStoreError) {
        guard !pending.isEmpty else { progress?(report, filesDone, filesTotal); return }
        let plans = pending
        pending = []
        pendingChunks = 0
        var texts = [String]()
        for plan in plans { for c in plan.chunks where c.existing == nil { texts.append(Self.indexedText(c.chunk, title: plan.document.title)) } }
        let embedded = texts.isEmpty ? [] : embed(texts)
        guard embedded.count == texts.count else {
            throw KnowledgeStoreError(path: store.path, problem: "the embedding function gave \(embedded.count) vectors for \(texts.count) texts")
        }
        for vector in embedded { try store.checkDimension(of: vector) }
        var next = 0
        try commit { db in
            for plan in plans {
                let documentID = try self.writeDocument(db, plan)
                for removed in plan.removed { try self.deleteChunk(db, id: removed) }
                for (ordinal, c) in plan.chunks.enumerated() {
                    let headings = String(decoding: try JSONEncoder().encode(c.chunk.headings), as: UTF8.self)
                    if let id = c.existing {
                        try db.execute(sql: "UPDATE chunks SET ordinal = ?, headings = ? WHERE id = ?", arguments: [ordinal, headings, id])
                        continue
                    }
                    let text = Self.indexedText(c.chunk, title: plan.document.title)
                    try self.insertChunk(db, documentID: documentID, key: c.key, ordinal: ordinal, headings: headings,
                                         chunk: c.chunk, indexedText: text, vector: embedded[next])
                    next += 1
                }
            }
        }
        for plan in plans {
            if plan.existingID == nil { report.documentsAdded += 1 } else { report.documentsChanged += 1 }
            report.chunksRemoved += plan.removed.count
            report.chunksKept += plan.chunks.filter { $0.existing != nil }.count
            report.chunksAdded += plan.chunks.filter { $0.existing == nil }.count
        }
        progress?(report, filesDone, filesTotal)
    }

    /// One transaction that also writes the HNSW nodes it changed and the graph's entry, top layer and level state.
    private func commit(_ body: (Database) throws -> Void) throws(KnowledgeStoreError) {
        do {
            try store.write { db in
                try body(db)
                for slot in self.vectors.takeChangedSlots() {
                    let node = self.vectors.node(at: slot)
                    try db.execute(sql: "INSERT OR REPLACE INTO hnsw_nodes(slot, chunk_id, deleted, links, vector) VALUES (?, ?, ?, ?, ?)",
                                   arguments: [slot, node.id, node.deleted ? 1 : 0, VectorCoding.blob(links: node.links),
                                               VectorCoding.blob(self.vectors.vector(at: slot))])
                }
                for (key, value) in [("hnsw_entry", "\(self.vectors.entrySlot)"), ("hnsw_top_layer", "\(self.vectors.topLayer)"),
                                     ("hnsw_random", "\(self.vectors.randomState)")] {
                    try db.execute(sql: "UPDATE meta SET value = ? WHERE key = ?", arguments: [value, key])
                }
            }
        } catch {
            broken = true
            throw error
        }
    }

    private func guardUsable() throws(KnowledgeStoreError) {
        if broken { throw KnowledgeStoreError(path: store.path, problem: "an earlier commit failed; open the store again to go on") }
    }

    private func writeDocument(_ db: Database, _ plan: DocumentPlan) throws -> Int {
        let d = plan.document
        let now = Date().timeIntervalSince1970
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let metadata = String(decoding: try encoder.encode(d.metadata), as: UTF8.self)
        if let id = plan.existingID {
            try db.execute(sql: """
                UPDATE documents SET content_hash = ?, title = ?, format = ?, bytes = ?, chunk_count = ?, indexed_at = ?, metadata = ? WHERE id = ?
                """, arguments: [plan.contentHash, d.title, d.format.rawValue, d.text.utf8.count, plan.chunks.count, now, metadata, id])
            return id
        }
        try db.execute(sql: """
            INSERT INTO documents(source, content_hash, title, format, bytes, chunk_count, indexed_at, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [d.source, plan.contentHash, d.title, d.format.rawValue, d.text.utf8.count, plan.chunks.count, now, metadata])
        return Int(db.lastInsertedRowID)
    }

    private func insertChunk(_ db: Database, documentID: Int, key: String, ordinal: Int, headings: String, chunk: Chunk,
                             indexedText: String, vector: [Float]) throws {
        let terms = store.settings.analyzer.terms(indexedText)
        let slot = vectors.slotCount
        try db.execute(sql: "INSERT INTO chunks(document_id, key, ordinal, headings, text, term_count, vector_slot) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       arguments: [documentID, key, ordinal, headings, chunk.text, terms.count, slot])
        let chunkID = Int(db.lastInsertedRowID)
        var counts = [String: Int]()
        for t in terms { counts[t, default: 0] += 1 }
        let upsert = try db.cachedStatement(sql: "INSERT INTO terms(term, df) VALUES (?, 1) ON CONFLICT(term) DO UPDATE SET df = df + 1 RETURNING id")
        let posting = try db.cachedStatement(sql: "INSERT INTO postings(term_id, chunk_id, tf) VALUES (?, ?, ?)")
        for (term, tf) in counts {
            guard let termID = try Int.fetchOne(upsert, arguments: [term]) else { continue }
            try posting.execute(arguments: [termID, chunkID, tf])
        }
        vectors.add(id: chunkID, vector: vector)
    }

    private func deleteChunk(_ db: Database, id: Int) throws {
        try db.execute(sql: "UPDATE terms SET df = df - 1 WHERE id IN (SELECT term_id FROM postings WHERE chunk_id = ?)", arguments: [id])
        try db.execute(sql: "DELETE FROM postings WHERE chunk_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM chunks WHERE id = ?", arguments: [id])
        vectors.remove(id: id)
    }

    /// `prune`: documents from `paths` that this run did not see.
    private func removeMissing(under paths: [String], listed: Set<String>, seen: Set<String>) throws(KnowledgeStoreError) {
        let sources = try store.read { db in try String.fetchAll(db, sql: "SELECT source FROM documents") }
        let roots = paths.map { ($0 as NSString).standardizingPath }
        let gone = sources.filter { source in
            guard !seen.contains(source) else { return false }
            let file = source.firstIndex(of: "#").map { String(source[..<$0]) } ?? source
            guard roots.contains(where: { file == $0 || file.hasPrefix($0 + "/") }) else { return false }
            // A JSONL file that could not be read keeps its records.
            return !(file != source && listed.contains(file) && !seen.contains(where: { $0.hasPrefix(file + "#") }))
        }
        if !gone.isEmpty { try remove(sources: gone) }
    }
}
