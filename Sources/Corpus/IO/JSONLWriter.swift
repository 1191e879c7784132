#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ModelFiles

/// Writes documents as JSONL, one compact `{"id","text","metadata"}` object per line (metadata
/// members in their order), optionally gzip- or zstd-compressed, into a temporary file that
/// `finish()` renames into place: the final name only ever holds a complete file. The same
/// documents give byte-identical files.
public final class JSONLWriter {
    /// The final path.
    public var path: String { output.path }
    private let output: AtomicFileOutput
    /// Documents written so far.
    public private(set) var documentCount = 0
    /// Uncompressed bytes written so far.
    public var bytesWritten: Int { output.bytesWritten }

    /// Starts `path` (its folder must exist), compressed as its name says unless `compression` is given.
    public init(path: String, compression: Compression? = nil) throws(CorpusOutputError) {
        output = try AtomicFileOutput(path: path, compression: compression ?? .inferred(from: path))
    }

    /// Appends one document.
    public func write(_ document: Document) throws(CorpusOutputError) {
        try output.write(document.jsonLine())
        documentCount += 1
    }

    /// Completes the file and renames it into place (fsync of the file, then of its folder).
    /// Without it, the temporary file is removed when the writer goes away.
    public func finish() throws(CorpusOutputError) { try output.commit() }

    /// Removes the temporary file now (nothing appears under the final name).
    public func discard() { output.discard() }
}

/// JSONL output split into shards `<prefix>-00000.jsonl[.gz|.zst]`, `<prefix>-00001…` of about
/// `maxShardBytes` uncompressed bytes each; each shard is renamed into place when it is full,
/// the last by `finish()`.
public final class ShardedJSONLWriter {
    /// The output folder (created if missing).
    public let folder: String
    /// File name prefix (e.g. the task's rank, "00003").
    public let prefix: String
    public let compression: Compression
    /// A shard is closed once it holds at least this many uncompressed bytes (default 1 GiB).
    public let maxShardBytes: Int
    private var current: JSONLWriter?
    /// Final paths of the shards completed so far, in order.
    public private(set) var completedShards: [String] = []
    /// Documents written so far over all shards.
    public private(set) var documentCount = 0

    public init(folder: String, prefix: String, compression: Compression = .none,
                maxShardBytes: Int = 1 << 30) throws(CorpusOutputError) {
        self.folder = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        self.prefix = prefix
        self.compression = compression
        self.maxShardBytes = max(1, maxShardBytes)
        try ShardedJSONLWriter.makeFolder(self.folder)
    }

    /// The final path of shard `index`.
    public func shardPath(_ index: Int) -> String {
        let digits = String(index)
        return folder + "/" + prefix + "-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
            + ".jsonl" + compression.fileSuffix
    }

    /// Appends one document, starting a new shard when the current one is full.
    public func write(_ document: Document) throws(CorpusOutputError) {
        if current == nil { current = try JSONLWriter(path: shardPath(completedShards.count), compression: compression) }
        try current!.write(document)
        documentCount += 1
        if current!.bytesWritten >= maxShardBytes { try closeShard() }
    }

    /// Completes the last shard; returns every shard's final path. No documents: no file.
    @discardableResult
    public func finish() throws(CorpusOutputError) -> [String] {
        try closeShard()
        return completedShards
    }

    private func closeShard() throws(CorpusOutputError) {
        guard let shard = current else { return }
        try shard.finish()
        completedShards.append(shard.path)
        current = nil
    }

    static func makeFolder(_ path: String) throws(CorpusOutputError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw CorpusOutputError(file: path, message: "mkdir \(prefix): \(errnoMessage())")
            }
            prefix += "/"
        }
    }
}

/// Writes the documents a step removed, for inspection: the same sharded JSONL, with the reason
/// in metadata member `filter_reason` (datatrove's exclusion writers keep it the same way).
public final class ExclusionWriter {
    private let shards: ShardedJSONLWriter

    /// Shards `<prefix>-NNNNN.jsonl[.gz|.zst]` in `folder`.
    public init(folder: String, prefix: String, compression: Compression = .none,
                maxShardBytes: Int = 1 << 30) throws(CorpusOutputError) {
        shards = try ShardedJSONLWriter(folder: folder, prefix: prefix, compression: compression, maxShardBytes: maxShardBytes)
    }

    /// Appends `document` with `filter_reason` = `reason` (replacing an earlier one).
    public func write(_ document: Document, reason: String) throws(CorpusOutputError) {
        var d = document
        d[metadata: "filter_reason"] = .string(reason)
        try shards.write(d)
    }

    /// Completes the files; returns their final paths.
    @discardableResult
    public func finish() throws(CorpusOutputError) -> [String] { try shards.finish() }
}
