extension TokenShard {
    /// The 256-byte header in front of a shard's token ids (llm.c style: fixed size, so the ids
    /// start at a 4-byte-aligned offset of the mapping). All integers little-endian:
    ///
    ///     offset size  field
    ///          0    8  magic "TERNTOKS"
    ///          8    4  u32 format version (1)
    ///         12    4  u32 bytes per token: 2 (uint16 ids) or 4 (uint32 ids)
    ///         16    8  u64 token count n
    ///         24    8  u64 document count: documents whose last token is in this shard
    ///         32    4  u32 vocabulary size
    ///         36    4  u32 end-of-document token id, 0xFFFFFFFF when documents have none
    ///         40    8  u64 FNV-1a 64 of the n · width token bytes
    ///         48  208  reserved, zero
    ///        256  n·w  token ids
    public struct Header: Sendable, Equatable {
        /// Bytes before the first token id.
        public static let size = 256
        /// The first 8 bytes of every shard.
        public static let magicText = "TERNTOKS"
        /// The format version this build writes and reads.
        public static let currentVersion: UInt32 = 1
        static let noToken: UInt32 = 0xFFFF_FFFF

        /// 2 or 4.
        public var bytesPerToken: Int
        /// Token ids in the shard.
        public var tokenCount: Int
        /// Documents whose last token lies in this shard.
        public var documentCount: Int
        /// Ids are below this.
        public var vocabularySize: Int
        /// The token that ends each document, if documents were written with one.
        public var endOfDocumentToken: Int?
        /// FNV-1a 64 of the token bytes as stored.
        public var checksum: UInt64

        /// A header; `bytesPerToken` follows from the vocabulary size.
        public init(tokenCount: Int, documentCount: Int, vocabularySize: Int, endOfDocumentToken: Int?,
                    checksum: UInt64) {
            self.bytesPerToken = Self.bytesPerToken(vocabularySize: vocabularySize)
            self.tokenCount = tokenCount
            self.documentCount = documentCount
            self.vocabularySize = vocabularySize
            self.endOfDocumentToken = endOfDocumentToken
            self.checksum = checksum
        }

        /// 2 (uint16) when every id fits in 16 bits, else 4 (uint32).
        public static func bytesPerToken(vocabularySize: Int) -> Int { vocabularySize <= 65536 ? 2 : 4 }

        /// Header plus token bytes.
        public var fileSize: Int { Self.size + tokenCount * bytesPerToken }

        /// The 256 header bytes.
        public func encoded() -> [UInt8] {
            var b = [UInt8](repeating: 0, count: Self.size)
            for (i, c) in Self.magicText.utf8.enumerated() { b[i] = c }
            func put<T: FixedWidthInteger>(_ v: T, at offset: Int) {
                withUnsafeBytes(of: v.littleEndian) { for (i, x) in $0.enumerated() { b[offset + i] = x } }
            }
            put(Self.currentVersion, at: 8)
            put(UInt32(bytesPerToken), at: 12)
            put(UInt64(tokenCount), at: 16)
            put(UInt64(documentCount), at: 24)
            put(UInt32(vocabularySize), at: 32)
            put(endOfDocumentToken.map { UInt32($0) } ?? Self.noToken, at: 36)
            put(checksum, at: 40)
            return b
        }

        /// Reads and checks the header at the start of `bytes` (a whole shard file of that size).
        public init(bytes: UnsafeRawBufferPointer, path: String) throws(TokenShardError) {
            guard bytes.count >= Self.size else {
                throw .truncated(path: path, expectedBytes: Self.size, actualBytes: bytes.count)
            }
            let magic = Array(bytes[0..<8])
            guard magic == Array(Self.magicText.utf8) else {
                throw .notATokenShard(path: path, magic: Self.printable(magic))
            }
            func get<T: FixedWidthInteger>(_: T.Type, _ offset: Int) -> T {
                T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
            }
            let version = get(UInt32.self, 8)
            guard version == Self.currentVersion else { throw .unsupportedVersion(path: path, version: version) }
            let width = Int(get(UInt32.self, 12))
            let count = get(UInt64.self, 16), documents = get(UInt64.self, 24)
            let vocabulary = Int(get(UInt32.self, 32)), end = get(UInt32.self, 36)
            guard width == 2 || width == 4 else {
                throw .invalidHeader(path: path, field: "bytes per token", reason: "is \(width), expected 2 or 4")
            }
            guard vocabulary > 0 else { throw .invalidHeader(path: path, field: "vocabulary size", reason: "is 0") }
            guard width == Self.bytesPerToken(vocabularySize: vocabulary) else {
                throw .invalidHeader(path: path, field: "bytes per token",
                                     reason: "is \(width), but a vocabulary of \(vocabulary) needs \(Self.bytesPerToken(vocabularySize: vocabulary))")
            }
            guard end == Self.noToken || Int(end) < vocabulary else {
                throw .invalidHeader(path: path, field: "end-of-document token", reason: "\(end) is not below the vocabulary size \(vocabulary)")
            }
            // Bounds that keep `count · width` far from overflow; no file is this large.
            guard count < 1 << 56, documents < 1 << 56 else {
                throw .invalidHeader(path: path, field: "token or document count", reason: "is impossibly large")
            }
            guard bytes[48..<Self.size].allSatisfy({ $0 == 0 }) else {
                throw .invalidHeader(path: path, field: "reserved bytes 48..<256", reason: "are not zero")
            }
            bytesPerToken = width
            tokenCount = Int(count)
            documentCount = Int(documents)
            vocabularySize = vocabulary
            endOfDocumentToken = end == Self.noToken ? nil : Int(end)
            checksum = get(UInt64.self, 40)
            if bytes.count < fileSize {
                throw .truncated(path: path, expectedBytes: fileSize, actualBytes: bytes.count)
            }
            if bytes.count > fileSize {
                throw .trailingBytes(path: path, expectedBytes: fileSize, actualBytes: bytes.count)
            }
        }

        /// Magic bytes as text for an error message: ASCII as is, others as `\xNN`.
        static func printable(_ bytes: [UInt8]) -> String {
            "\"" + bytes.map { (0x20..<0x7F).contains($0) ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined() + "\""
        }
    }
}

/// FNV-1a 64: a fixed, platform-independent hash for checksums and fingerprints (not for
/// security; Swift's `Hasher` is seeded per process and so cannot be stored).
struct FNV1a64 {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var h = value
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        value = h
    }

    mutating func update<T: FixedWidthInteger>(integer v: T) {
        withUnsafeBytes(of: v.littleEndian) { update($0) }
    }

    mutating func update(_ text: String) {
        var t = text
        t.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }
}
