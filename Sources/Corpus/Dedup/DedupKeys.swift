/// Phase 1 of deduplication, for one shard: a fixed number of 64-bit keys per document, in
/// input order, in flat arrays (MinHash: one key per LSH band; exact dedup: the two halves of a
/// 128-bit text hash). Documents without keys (MinHash: fewer words than one n-gram) are kept
/// and never match. 8·keysPerDoc + 1 bytes per document in memory and on disk.
///
/// File layout (little-endian): magic `TERNDKF1`, UInt32 version (1), UInt32 keysPerDoc,
/// UInt64 document count, UInt64 parameter fingerprint; then count × keysPerDoc UInt64 keys;
/// then count bytes, 1 where the document has keys.
public struct DedupKeys: Sendable, Equatable {
    /// Keys stored for each document.
    public let keysPerDoc: Int
    /// Hash of the parameters the keys were made with; phase 2 refuses to mix fingerprints.
    public let parameterFingerprint: UInt64
    /// Flat keys. Shape: (documents, keysPerDoc); zeros for a document without keys.
    public private(set) var keys: [UInt64] = []
    /// 1 where the document has keys. Shape: (documents).
    public private(set) var present: [UInt8] = []

    /// An empty shard.
    public init(keysPerDoc: Int, parameterFingerprint: UInt64) {
        self.keysPerDoc = keysPerDoc
        self.parameterFingerprint = parameterFingerprint
    }

    /// Number of documents recorded.
    public var count: Int { present.count }

    /// Records the next document's keys (`nil`: it has none and will be kept).
    public mutating func append(_ documentKeys: [UInt64]?) {
        if let documentKeys {
            precondition(documentKeys.count == keysPerDoc, "expected \(keysPerDoc) keys, got \(documentKeys.count)")
            keys.append(contentsOf: documentKeys)
            present.append(1)
        } else {
            keys.append(contentsOf: repeatElement(0, count: keysPerDoc))
            present.append(0)
        }
    }

    static let magic = "TERNDKF1"

    /// The file bytes (layout above).
    public func serialized() -> [UInt8] {
        var out = Array(Self.magic.utf8)
        out.reserveCapacity(32 + keys.count * 8 + present.count)
        BinaryFile.append(UInt32(1), to: &out)
        BinaryFile.append(UInt32(keysPerDoc), to: &out)
        BinaryFile.append(UInt64(count), to: &out)
        BinaryFile.append(parameterFingerprint, to: &out)
        for k in keys { BinaryFile.append(k, to: &out) }
        out.append(contentsOf: present)
        return out
    }

    /// Writes the shard file atomically (temporary file + rename).
    public func write(to path: String) throws(DedupError) {
        try BinaryFile.writeAtomically(serialized(), to: path)
    }

    /// Reads a shard file, checking magic, version and exact size.
    public static func read(from path: String) throws(DedupError) -> DedupKeys {
        try parse(BinaryFile.read(path), path: path)
    }

    /// Parses file bytes (`path` only names errors).
    public static func parse(_ bytes: [UInt8], path: String) throws(DedupError) -> DedupKeys {
        var r = ByteReader(bytes: bytes, path: path)
        try r.expectMagic(magic)
        let version = try r.uint32()
        guard version == 1 else { throw .malformedFile(path: path, offset: 8, reason: "unknown version \(version)") }
        let perDoc = Int(try r.uint32()), docCount = try r.uint64(), fingerprint = try r.uint64()
        let expected = UInt64(32) &+ docCount &* UInt64(8 * perDoc + 1)
        guard perDoc >= 1, docCount < 1 << 40, expected == UInt64(bytes.count) else {
            throw .malformedFile(path: path, offset: 12, reason:
                "\(docCount) documents × \(perDoc) keys need \(expected) bytes, file has \(bytes.count)")
        }
        var shard = DedupKeys(keysPerDoc: perDoc, parameterFingerprint: fingerprint)
        let n = Int(docCount)
        shard.keys.reserveCapacity(n * perDoc)
        for _ in 0 ..< n * perDoc { shard.keys.append(try r.uint64()) }
        shard.present = Array(bytes[r.offset ..< r.offset + n])
        return shard
    }
}
