#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one split's token stream as consecutive shards `<split>-000000.bin`, `-000001.bin`, …
/// of `shardTokens` ids each (the last one shorter), in the format of `TokenShard.Header`.
///
/// A shard is streamed into a hidden temporary file beside it, its header written last, synced,
/// then renamed into place: a shard name never shows a half-written file. A document may run
/// across shards; it counts in the shard that holds its last token. Not thread-safe.
public final class TokenShardWriter {
    /// Where the shards go.
    public let directory: String
    /// The file name prefix, e.g. `train` or `validation`.
    public let split: String
    /// Ids per shard (the last shard may hold fewer).
    public let shardTokens: Int
    /// Every id must be below this; it also sets the width (2 bytes up to 65,536, else 4).
    public let vocabularySize: Int
    /// Recorded in each header; the writer does not add it (documents arrive with it).
    public let endOfDocumentToken: Int?
    /// The shards finished so far, in order.
    public private(set) var shards: [TokenShardManifest.Shard] = []
    /// Ids written so far, over all shards.
    public private(set) var tokenCount = 0

    private let width: Int
    private var fd: Int32 = -1
    private var temporaryPath = ""
    private var buffer = [UInt8]()
    private var tokensInShard = 0
    private var documentsInShard = 0
    private var hash = FNV1a64()
    private static let flushBytes = 1 << 20

    /// A writer for `split` in the existing `directory`.
    public init(directory: String, split: String, shardTokens: Int, vocabularySize: Int,
                endOfDocumentToken: Int?) throws(TokenShardError) {
        guard shardTokens > 0 else { throw .invalidConfiguration(field: "shard tokens", reason: "must be positive, got \(shardTokens)") }
        guard vocabularySize > 0 && vocabularySize <= Int(UInt32.max) else {
            throw .invalidConfiguration(field: "vocabulary size", reason: "must be in 1...\(UInt32.max), got \(vocabularySize)")
        }
        if let e = endOfDocumentToken, e < 0 || e >= vocabularySize {
            throw .invalidConfiguration(field: "end-of-document token", reason: "\(e) is not below the vocabulary size \(vocabularySize)")
        }
        self.directory = directory
        self.split = split
        self.shardTokens = shardTokens
        self.vocabularySize = vocabularySize
        self.endOfDocumentToken = endOfDocumentToken
        width = TokenShard.Header.bytesPerToken(vocabularySize: vocabularySize)
        buffer.reserveCapacity(Self.flushBytes + 4096)
    }

    deinit { abandonCurrentShard() }

    /// The file name of shard `index` of `split`.
    public static func fileName(split: String, index: Int) -> String {
        let digits = String(index)
        return split + "-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".bin"
    }

    /// Appends one document's ids (end-of-document token included, if any) and counts the
    /// document in the shard that receives its last id.
    public func appendDocument(_ tokens: [Int32]) throws(TokenShardError) {
        var next = 0
        while next < tokens.count {
            if tokensInShard == shardTokens { try finishShard() }
            if fd < 0 { try openShard() }
            let n = min(tokens.count - next, shardTokens - tokensInShard)
            let start = buffer.count, first = next
            for t in tokens[next..<next + n] {
                guard t >= 0 && Int(t) < vocabularySize else {
                    throw .tokenOutOfRange(path: currentPath, index: tokensInShard + next - first, token: Int(t),
                                           vocabularySize: vocabularySize)
                }
                if width == 2 {
                    let v = UInt16(truncatingIfNeeded: t).littleEndian
                    buffer.append(UInt8(truncatingIfNeeded: v)); buffer.append(UInt8(truncatingIfNeeded: v >> 8))
                } else {
                    withUnsafeBytes(of: UInt32(bitPattern: t).littleEndian) { buffer.append(contentsOf: $0) }
                }
                next += 1
            }
            buffer.withUnsafeBytes { hash.update(UnsafeRawBufferPointer(rebasing: $0[start...])) }
            tokensInShard += n
            tokenCount += n
            if buffer.count >= Self.flushBytes { try flush() }
        }
        documentsInShard += 1
    }

    /// Finishes the last shard and returns every shard written, in order. A split with no
    /// documents has no shards.
    public func finish() throws(TokenShardError) -> [TokenShardManifest.Shard] {
        if fd < 0 && documentsInShard > 0 { try openShard() }  // documents without tokens
        if fd >= 0 { try finishShard() }
        return shards
    }

    /// Removes the shard being written and every finished one (after an error).
    public func discard() {
        abandonCurrentShard()
        for s in shards { unlink(directory + "/" + s.file) }
        shards.removeAll()
    }

    private var currentPath: String { directory + "/" + Self.fileName(split: split, index: shards.count) }

    private func openShard() throws(TokenShardError) {
        temporaryPath = directory + "/." + Self.fileName(split: split, index: shards.count) + ".tmp-\(getpid())"
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw .writeFailed(path: temporaryPath, reason: String(cString: strerror(errno))) }
        buffer = [UInt8](repeating: 0, count: TokenShard.Header.size)  // the header goes in last
        tokensInShard = 0
        hash = FNV1a64()
    }

    private func flush() throws(TokenShardError) {
        if let reason = writeAll(buffer, at: nil) { throw .writeFailed(path: temporaryPath, reason: reason) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func finishShard() throws(TokenShardError) {
        try flush()
        let header = TokenShard.Header(tokenCount: tokensInShard, documentCount: documentsInShard,
                                       vocabularySize: vocabularySize, endOfDocumentToken: endOfDocumentToken,
                                       checksum: hash.value)
        if let reason = writeAll(header.encoded(), at: 0) { throw .writeFailed(path: temporaryPath, reason: reason) }
        guard fsync(fd) == 0 else { throw .writeFailed(path: temporaryPath, reason: String(cString: strerror(errno))) }
        close(fd)
        fd = -1
        let name = Self.fileName(split: split, index: shards.count)
        guard rename(temporaryPath, directory + "/" + name) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw .writeFailed(path: directory + "/" + name, reason: reason)
        }
        shards.append(.init(file: name, tokens: tokensInShard, documents: documentsInShard, checksum: hash.value))
        tokensInShard = 0
        documentsInShard = 0
    }

    private func abandonCurrentShard() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        unlink(temporaryPath)
    }

    /// Writes all of `bytes` at the file position (`offset` nil) or at `offset`; nil or the reason.
    private func writeAll(_ bytes: [UInt8], at offset: Int?) -> String? {
        bytes.withUnsafeBytes { b -> String? in
            var done = 0
            while done < b.count {
                let n = offset.map { pwrite(fd, b.baseAddress! + done, b.count - done, off_t($0 + done)) }
                    ?? write(fd, b.baseAddress! + done, b.count - done)
                if n < 0 { if errno == EINTR { continue }; return String(cString: strerror(errno)) }
                done += n
            }
            return nil
        }
    }
}
