/// The phase-2 result on disk, so that phase 3 (filtering) can run in other processes.
///
/// Layout (little-endian): magic `TERNDCL1`, UInt32 version (1), UInt32 shard count,
/// UInt64 member count; shard count × UInt64 documents per shard; member count × (UInt64
/// document, UInt64 cluster, UInt64 size).
extension DuplicateClusters {
    static let magic = "TERNDCL1"

    /// The file bytes (layout above).
    public func serialized() -> [UInt8] {
        var out = Array(Self.magic.utf8)
        BinaryFile.append(UInt32(1), to: &out)
        BinaryFile.append(UInt32(shardDocCounts.count), to: &out)
        BinaryFile.append(UInt64(members.count), to: &out)
        for n in shardDocCounts { BinaryFile.append(UInt64(n), to: &out) }
        for m in members {
            BinaryFile.append(UInt64(m.document), to: &out)
            BinaryFile.append(UInt64(m.cluster), to: &out)
            BinaryFile.append(UInt64(m.size), to: &out)
        }
        return out
    }

    /// Writes the clusters atomically (temporary file + rename).
    public func write(to path: String) throws(DedupError) {
        try BinaryFile.writeAtomically(serialized(), to: path)
    }

    /// Reads a clusters file, checking magic, version, size and member order.
    public static func read(from path: String) throws(DedupError) -> DuplicateClusters {
        try parse(BinaryFile.read(path), path: path)
    }

    /// Parses file bytes (`path` only names errors).
    public static func parse(_ bytes: [UInt8], path: String) throws(DedupError) -> DuplicateClusters {
        var r = ByteReader(bytes: bytes, path: path)
        try r.expectMagic(magic)
        let version = try r.uint32()
        guard version == 1 else { throw .malformedFile(path: path, offset: 8, reason: "unknown version \(version)") }
        let shardCount = UInt64(try r.uint32()), memberCount = try r.uint64()
        let expected = 24 &+ shardCount &* 8 &+ memberCount &* 24
        guard memberCount < 1 << 40, expected == UInt64(bytes.count) else {
            throw .malformedFile(path: path, offset: 12, reason:
                "\(shardCount) shards and \(memberCount) members need \(expected) bytes, file has \(bytes.count)")
        }
        var counts = [Int]()
        for _ in 0 ..< shardCount { counts.append(Int(try r.uint64())) }
        var members = [Member]()
        members.reserveCapacity(Int(memberCount))
        for _ in 0 ..< memberCount {
            let at = r.offset
            let m = Member(document: Int(try r.uint64()), cluster: Int(try r.uint64()), size: Int(try r.uint64()))
            guard m.cluster <= m.document, m.size >= 2, members.last.map({ $0.document < m.document }) ?? true else {
                throw .malformedFile(path: path, offset: at, reason: "member \(m) out of order or inconsistent")
            }
            members.append(m)
        }
        return DuplicateClusters(shardDocCounts: counts, members: members)
    }
}
