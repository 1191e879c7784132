/// One split of a shard directory read as a single token stream: its shards back to back, in
/// manifest order (a document cut by a shard boundary continues in the next shard).
/// Immutable; safe to share across threads.
public struct TokenShardSet: Sendable {
    /// The shards, in stream order.
    public let shards: [TokenShard]
    /// Ids over all shards.
    public let tokenCount: Int
    /// Ids are below this.
    public let vocabularySize: Int
    /// The id that ends every document, if documents were written with one.
    public let endOfDocumentToken: Int?
    /// Stream offset of each shard's first id.
    private let starts: [Int]

    /// The shards of `split` in the shard directory `directory`, each checked against the
    /// manifest (counts, checksum field, vocabulary, end-of-document token). `verify: true` also
    /// reads every token (`TokenShard.verify()`).
    public init(directory: String, split: DatasetSplit, verify: Bool = false) throws(TokenShardError) {
        let manifest = try TokenShardManifest(directory: directory)
        var shards = [TokenShard]()
        for entry in manifest[split].shards {
            let shard = try TokenShard(path: directory + "/" + entry.file)
            let h = shard.header
            func check(_ field: String, _ expected: String, _ found: String) throws(TokenShardError) {
                if expected != found { throw .manifestMismatch(path: shard.path, field: field, manifest: expected, file: found) }
            }
            try check("token count", "\(entry.tokens)", "\(h.tokenCount)")
            try check("document count", "\(entry.documents)", "\(h.documentCount)")
            try check("checksum", hex(entry.checksum), hex(h.checksum))
            try check("vocabulary size", "\(manifest.tokenizer.vocabularySize)", "\(h.vocabularySize)")
            try check("end-of-document token", manifest.tokenizer.endOfDocumentToken.map(String.init) ?? "none",
                      h.endOfDocumentToken.map(String.init) ?? "none")
            if verify { try shard.verify() }
            shards.append(shard)
        }
        self.init(checked: shards, vocabularySize: manifest.tokenizer.vocabularySize,
                  endOfDocumentToken: manifest.tokenizer.endOfDocumentToken)
    }

    /// A stream over `shards` in the order given; they must agree on vocabulary and
    /// end-of-document token.
    public init(shards: [TokenShard]) throws(TokenShardError) {
        guard let first = shards.first else {
            throw .invalidConfiguration(field: "shards", reason: "a token stream needs at least one shard")
        }
        for s in shards.dropFirst() {
            if s.header.vocabularySize != first.header.vocabularySize {
                throw .manifestMismatch(path: s.path, field: "vocabulary size", manifest: "\(first.header.vocabularySize)",
                                        file: "\(s.header.vocabularySize)")
            }
            if s.header.endOfDocumentToken != first.header.endOfDocumentToken {
                throw .manifestMismatch(path: s.path, field: "end-of-document token",
                                        manifest: first.header.endOfDocumentToken.map(String.init) ?? "none",
                                        file: s.header.endOfDocumentToken.map(String.init) ?? "none")
            }
        }
        self.init(checked: shards, vocabularySize: first.header.vocabularySize,
                  endOfDocumentToken: first.header.endOfDocumentToken)
    }

    private init(checked shards: [TokenShard], vocabularySize: Int, endOfDocumentToken: Int?) {
        self.shards = shards
        self.vocabularySize = vocabularySize
        self.endOfDocumentToken = endOfDocumentToken
        var starts = [Int](), total = 0
        for s in shards { starts.append(total); total += s.count }
        self.starts = starts
        tokenCount = total
    }

    /// Copies stream ids `start..<start + destination.count` into `destination`, across shard
    /// boundaries where needed.
    public func copyTokens(from start: Int, into destination: UnsafeMutableBufferPointer<Int32>) {
        precondition(start >= 0 && start + destination.count <= tokenCount,
                     "tokens \(start)..<\(start + destination.count) outside a stream of \(tokenCount)")
        if destination.isEmpty { return }
        var shard = shardIndex(containing: start)
        var offset = start - starts[shard]
        var done = 0
        while done < destination.count {
            let n = min(destination.count - done, shards[shard].count - offset)
            shards[shard].copyTokens(from: offset, into: UnsafeMutableBufferPointer(rebasing: destination[done..<done + n]))
            done += n
            shard += 1
            offset = 0
        }
    }

    /// Stream ids in `range`.
    public func tokens(_ range: Range<Int>) -> [Int32] {
        [Int32](unsafeUninitializedCapacity: range.count) { buffer, initialized in
            copyTokens(from: range.lowerBound, into: UnsafeMutableBufferPointer(rebasing: buffer[0..<range.count]))
            initialized = range.count
        }
    }

    /// The last shard starting at or before `offset` (binary search); it holds `offset`, since
    /// an empty shard shares its start with the next one.
    private func shardIndex(containing offset: Int) -> Int {
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }
}
