import Foundation
import GRDB
import ModelFiles

/// Why a store could not be opened or used; names the file.
public struct KnowledgeStoreError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var problem: String
    public init(path: String, problem: String) { self.path = path; self.problem = problem }
    public var description: String { "\(path): \(problem)" }
}

/// A retrieval store: one SQLite file (write-ahead log, so readers search while one writer
/// indexes) holding documents, chunks, their vectors, BM25 postings and the HNSW graph. Opening
/// it reads what is stored; nothing is rebuilt. Writes go through `KnowledgeIndexer`, which
/// commits documents in batches: a killed run leaves the store as of its last commit.
///
/// Tables: `meta` (format, schema, settings, HNSW entry point and level state), `documents` (source,
/// content hash, title, metadata as JSON), `chunks` (stable key, text, headings, term count, HNSW slot), `terms`
/// (document frequency), `postings` (term, chunk, tf), `hnsw_nodes` (slot, chunk, deleted flag,
/// links, vector).
public final class KnowledgeStore: Sendable {
    public let path: String
    public let settings: KnowledgeStoreSettings
    let database: DatabasePool

    static let format = "tern-rag-store"
    static let schemaVersion = 1

    private init(path: String, settings: KnowledgeStoreSettings, database: DatabasePool) {
        self.path = path
        self.settings = settings
        self.database = database
    }

    /// Opens an existing store; an error names a missing file, a file that is not SQLite, or a
    /// SQLite file that is not a Tern store.
    public static func open(path: String) throws(KnowledgeStoreError) -> KnowledgeStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw KnowledgeStoreError(path: path, problem: "no store here (make one with `tern rag index PATH... --db \(path)`)")
        }
        let pool = try connect(path)
        let settings: KnowledgeStoreSettings
        do {
            settings = try pool.read { db in try readSettings(db, path: path) }
        } catch let error as KnowledgeStoreError { throw error } catch {
            throw KnowledgeStoreError(path: path, problem: describe(error))
        }
        return KnowledgeStore(path: path, settings: settings, database: pool)
    }

    /// Opens the store at `path`, creating it with `settings` when the file does not exist. An
    /// existing store keeps the settings it was made with.
    public static func openOrCreate(path: String, settings: KnowledgeStoreSettings) throws(KnowledgeStoreError) -> KnowledgeStore {
        if FileManager.default.fileExists(atPath: path) { return try open(path: path) }
        let pool = try connect(path)
        do {
            try pool.write { db in
                try createSchema(db)
                let json = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
                for (key, value) in [("format", format), ("schema", "\(schemaVersion)"), ("settings", json),
                                     ("hnsw_entry", "-1"),
                                     ("hnsw_top_layer", "-1"), ("hnsw_random", "\(settings.hnsw.seed)")] {
                    try db.execute(sql: "INSERT INTO meta(key, value) VALUES (?, ?)", arguments: [key, value])
                }
            }
        } catch {
            throw KnowledgeStoreError(path: path, problem: "cannot create the store: \(describe(error))")
        }
        return KnowledgeStore(path: path, settings: settings, database: pool)
    }

    private static func connect(_ path: String) throws(KnowledgeStoreError) -> DatabasePool {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            return try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw KnowledgeStoreError(path: path, problem: "cannot open as SQLite: \(describe(error))")
        }
    }

    static func createSchema(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
            CREATE TABLE documents(
                id INTEGER PRIMARY KEY, source TEXT NOT NULL UNIQUE, content_hash TEXT NOT NULL,
                title TEXT, format TEXT NOT NULL, bytes INTEGER NOT NULL, chunk_count INTEGER NOT NULL,
                indexed_at REAL NOT NULL, metadata TEXT NOT NULL DEFAULT '{}');
            CREATE TABLE chunks(
                id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id),
                key TEXT NOT NULL UNIQUE, ordinal INTEGER NOT NULL, headings TEXT NOT NULL, text TEXT NOT NULL,
                term_count INTEGER NOT NULL, vector_slot INTEGER NOT NULL);
            CREATE INDEX chunks_by_document ON chunks(document_id);
            CREATE TABLE terms(id INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE, df INTEGER NOT NULL);
            CREATE TABLE postings(term_id INTEGER NOT NULL, chunk_id INTEGER NOT NULL, tf INTEGER NOT NULL,
                PRIMARY KEY(term_id, chunk_id)) WITHOUT ROWID;
            CREATE INDEX postings_by_chunk ON postings(chunk_id);
            CREATE TABLE hnsw_nodes(slot INTEGER PRIMARY KEY, chunk_id INTEGER NOT NULL, deleted INTEGER NOT NULL,
                links BLOB NOT NULL, vector BLOB NOT NULL);
            """)
    }

    static func readSettings(_ db: Database, path: String) throws -> KnowledgeStoreSettings {
        let hasMeta = try Bool.fetchOne(db, sql: "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'meta'") ?? false
        guard hasMeta, try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format'") == format else {
            throw KnowledgeStoreError(path: path, problem: "an SQLite file, but not a Tern retrieval store")
        }
        let schema = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema'") ?? "?"
        guard schema == "\(schemaVersion)" else {
            throw KnowledgeStoreError(path: path, problem: "store schema \(schema); this tern reads schema \(schemaVersion)")
        }
        guard let json = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'settings'"),
              let settings = try? JSONDecoder().decode(KnowledgeStoreSettings.self, from: Data(json.utf8)) else {
            throw KnowledgeStoreError(path: path, problem: "the store's settings are missing or unreadable")
        }
        return settings
    }

    /// A GRDB error as one line: SQLite's message without GRDB's SQL echo.
    static func describe(_ error: any Error) -> String {
        if let db = error as? DatabaseError { return db.message ?? "\(db.resultCode)" }
        return "\(error)"
    }

    /// Counts: documents, live chunks, distinct terms, HNSW nodes (deleted ones included).
    public struct Statistics: Sendable, Codable, Equatable {
        public var documents: Int
        public var chunks: Int
        public var terms: Int
        public var vectorNodes: Int
        public var deletedVectorNodes: Int
        public var fileBytes: Int
    }

    /// The store's counts, from one consistent read.
    public func statistics() throws(KnowledgeStoreError) -> Statistics {
        let counts = try read { db in
            [try Int.fetchOne(db, sql: "SELECT count(*) FROM documents") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM chunks") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM terms WHERE df > 0") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM hnsw_nodes") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM hnsw_nodes WHERE deleted != 0") ?? 0]
        }
        let bytes = ["", "-wal"].reduce(0) { sum, suffix in
            sum + (((try? FileManager.default.attributesOfItem(atPath: path + suffix))?[.size] as? Int) ?? 0)
        }
        return Statistics(documents: counts[0], chunks: counts[1], terms: counts[2], vectorNodes: counts[3],
                          deletedVectorNodes: counts[4], fileBytes: bytes)
    }

    /// Throws unless `vector` has the store's dimension (an embedding model other than the one
    /// the store was made with).
    func checkDimension(of vector: [Float]) throws(KnowledgeStoreError) {
        guard vector.count == settings.dimension else {
            throw KnowledgeStoreError(path: path, problem: """
                the embedding model gives \(vector.count) values; this store was made with \(settings.embeddingModel) (\(settings.dimension))
                """)
        }
    }

    /// Runs `body` in a read transaction (a snapshot: a concurrent writer's later commits are not seen).
    func read<T>(_ body: (Database) throws -> T) throws(KnowledgeStoreError) -> T {
        do { return try database.read(body) } catch let error as KnowledgeStoreError { throw error } catch {
            throw KnowledgeStoreError(path: path, problem: Self.describe(error))
        }
    }

    /// Runs `body` in one write transaction: all of it is committed, or none.
    func write<T>(_ body: (Database) throws -> T) throws(KnowledgeStoreError) -> T {
        do { return try database.write(body) } catch let error as KnowledgeStoreError { throw error } catch {
            throw KnowledgeStoreError(path: path, problem: Self.describe(error))
        }
    }

    /// The HNSW graph as stored (one read, consistent with the chunks of the same snapshot).
    func loadVectorIndex(_ db: Database) throws -> HNSWIndex {
        let entry = Int32(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'hnsw_entry'").flatMap { Int($0) } ?? -1)
        let top = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'hnsw_top_layer'").flatMap { Int($0) } ?? -1
        let random = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'hnsw_random'").flatMap { UInt64($0) }
            ?? settings.hnsw.seed
        let d = settings.dimension
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM hnsw_nodes") ?? 0
        var nodes = [HNSWNode](), vectors = [Float]()
        nodes.reserveCapacity(count)
        vectors.reserveCapacity(count * d)
        let rows = try Row.fetchCursor(db, sql: "SELECT slot, chunk_id, deleted, links, vector FROM hnsw_nodes ORDER BY slot")
        while let row = try rows.next() {
            let slot: Int = row[0]
            guard slot == nodes.count else { throw KnowledgeStoreError(path: path, problem: "HNSW slots not contiguous at \(slot)") }
            let links: Data = row[3], vector: Data = row[4]
            guard vector.count == d * 4, let decoded = VectorCoding.links(links) else {
                throw KnowledgeStoreError(path: path, problem: "HNSW node \(slot) is damaged")
            }
            vector.withUnsafeBytes { raw in
                for i in 0..<d { vectors.append(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))) }
            }
            nodes.append(HNSWNode(id: row[1], deleted: (row[2] as Int) != 0, links: decoded))
        }
        do {
            return try HNSWIndex(dimension: d, metric: settings.metric, parameters: settings.hnsw, nodes: nodes, vectors: vectors,
                                 entrySlot: entry, topLayer: top, randomState: random)
        } catch {
            throw KnowledgeStoreError(path: path, problem: "stored HNSW graph: \(error)")
        }
    }
}

/// Little-endian encodings of vectors and link lists for BLOB columns.
enum VectorCoding {
    static func blob(_ vector: [Float]) -> Data {
        var data = Data(count: vector.count * 4)
        data.withUnsafeMutableBytes { raw in
            for (i, v) in vector.enumerated() { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: i * 4, as: UInt32.self) }
        }
        return data
    }

    /// Layers, then per layer a count and that many slots, all Int32.
    static func blob(links: [[Int32]]) -> Data {
        var values = [Int32(links.count)]
        for layer in links { values.append(Int32(layer.count)); values += layer }
        var data = Data(count: values.count * 4)
        data.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() { raw.storeBytes(of: v.littleEndian, toByteOffset: i * 4, as: Int32.self) }
        }
        return data
    }

    static func links(_ data: Data) -> [[Int32]]? {
        guard data.count % 4 == 0, data.count >= 4 else { return nil }
        let values: [Int32] = data.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)) }
        }
        var out = [[Int32]](), i = 1
        guard values[0] >= 0, values[0] < 64 else { return nil }
        for _ in 0..<Int(values[0]) {
            guard i < values.count, values[i] >= 0, i + 1 + Int(values[i]) <= values.count else { return nil }
            out.append(Array(values[(i + 1)..<(i + 1 + Int(values[i]))]))
            i += 1 + Int(values[i])
        }
        return i == values.count ? out : nil
    }
}
