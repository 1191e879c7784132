import ModelFiles

/// One token shard file, memory-mapped: a `Header` then `tokenCount` little-endian uint16 or
/// uint32 token ids (the format nanoGPT and llm.c train from, with a self-describing header).
///
/// Opening checks the header and that the file size is exactly header + count · width, so a
/// truncated copy fails here, naming the file. `verify()` reads every token (checksum, id range).
/// Immutable; safe to share across threads.
public final class TokenShard: Sendable {
    /// The file.
    public let path: String
    /// The checked header.
    public let header: Header
    private let file: MappedFile

    /// Maps and checks the shard at `path`.
    public init(path: String) throws(TokenShardError) {
        do { file = try MappedFile(path: path) } catch {
            if case .cannotOpen(_, let reason) = error { throw .cannotOpen(path: path, reason: reason) }
            throw .cannotOpen(path: path, reason: error.description)
        }
        self.path = path
        header = try Header(bytes: file.bytes, path: path)
    }

    /// Number of token ids.
    public var count: Int { header.tokenCount }

    /// The id at `index` (0..<count).
    public subscript(index: Int) -> Int32 {
        precondition(index >= 0 && index < count, "token \(index) outside shard of \(count)")
        let offset = Header.size + index * header.bytesPerToken
        if header.bytesPerToken == 2 {
            return Int32(UInt16(littleEndian: file.bytes.load(fromByteOffset: offset, as: UInt16.self)))
        }
        return Int32(bitPattern: UInt32(littleEndian: file.bytes.load(fromByteOffset: offset, as: UInt32.self)))
    }

    /// Copies ids `start..<start + destination.count` into `destination`, widened to Int32.
    public func copyTokens(from start: Int, into destination: UnsafeMutableBufferPointer<Int32>) {
        precondition(start >= 0 && start + destination.count <= count,
                     "tokens \(start)..<\(start + destination.count) outside shard of \(count)")
        guard let base = file.bytes.baseAddress, !destination.isEmpty else { return }
        let data = base + Header.size
        // The mapping is page-aligned and the header 256 bytes, so the ids are aligned.
        if header.bytesPerToken == 2 {
            let ids = data.bindMemory(to: UInt16.self, capacity: count) + start
            for i in 0..<destination.count { destination[i] = Int32(UInt16(littleEndian: ids[i])) }
        } else {
            let ids = data.bindMemory(to: UInt32.self, capacity: count) + start
            for i in 0..<destination.count { destination[i] = Int32(bitPattern: UInt32(littleEndian: ids[i])) }
        }
    }

    /// Ids in `range`, widened to Int32.
    public func tokens(_ range: Range<Int>) -> [Int32] {
        [Int32](unsafeUninitializedCapacity: range.count) { buffer, initialized in
            copyTokens(from: range.lowerBound, into: UnsafeMutableBufferPointer(rebasing: buffer[0..<range.count]))
            initialized = range.count
        }
    }

    /// Reads every token: the checksum must match the header and every id be below the
    /// vocabulary size. Costs one pass over the file.
    public func verify() throws(TokenShardError) {
        let data = UnsafeRawBufferPointer(rebasing: file.bytes[Header.size...])
        var hash = FNV1a64()
        hash.update(data)
        guard hash.value == header.checksum else {
            throw .checksumMismatch(path: path, expected: header.checksum, actual: hash.value)
        }
        var chunk = [Int32](repeating: 0, count: 1 << 16)
        var start = 0
        while start < count {
            let n = min(chunk.count, count - start)
            let bad: (Int, Int32)? = chunk.withUnsafeMutableBufferPointer { c in
                let part = UnsafeMutableBufferPointer(rebasing: c[0..<n])
                copyTokens(from: start, into: part)
                for i in 0..<n where part[i] < 0 || Int(part[i]) >= header.vocabularySize { return (start + i, part[i]) }
                return nil
            }
            if let (index, token) = bad {
                throw .tokenOutOfRange(path: path, index: index, token: Int(UInt32(bitPattern: token)),
                                       vocabularySize: header.vocabularySize)
            }
            start += n
        }
    }
}
