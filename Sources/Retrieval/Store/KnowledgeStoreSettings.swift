/// How a store chunks, embeds and indexes: fixed when the store is created and kept in it, so
/// that every later run (and every reader) treats text the same way.
public struct KnowledgeStoreSettings: Codable, Sendable, Equatable {
    /// The embedding model's name (default all-MiniLM-L6-v2) and output size (384).
    public var embeddingModel = "all-MiniLM-L6-v2"
    public var dimension = 384
    /// Vector comparison (default cosine).
    public var metric: FlatVectorIndex.Metric = .cosine
    /// HNSW's M, efConstruction, efSearch (defaults 16 / 200 / 64).
    public var hnsw = HNSWIndex.Parameters(m: 16, efConstruction: 200, efSearch: 64)
    /// How documents are cut.
    public var chunking = ChunkingSettings()
    /// BM25's analyser and k1 / b.
    public var analyzer = BM25Analyzer()
    public var bm25 = BM25Index.Parameters()

    public init() {}
}

/// Chunking of a store: by structure (headings and paragraphs, up to `maxCharacters`), by
/// windows of `windowWords` words overlapping by `overlapWords`, or by windows of whole words
/// holding at most `windowTokens` of the embedding model's tokens, overlapping by `overlapTokens`.
public struct ChunkingSettings: Codable, Sendable, Equatable {
    public enum Method: String, Codable, Sendable { case structure, words, tokens }
    public var method = Method.structure
    /// Largest structure chunk in characters (default 1,200 ≈ 256 MiniLM tokens of English).
    public var maxCharacters = 1200
    /// Word-window size and overlap (defaults 200 and 40).
    public var windowWords = 200
    public var overlapWords = 40
    /// Token-window size and overlap in model tokens (defaults 200 and 32: with the title and
    /// headings put before each chunk, MiniLM's 256 still holds it).
    public var windowTokens = 200
    public var overlapTokens = 32

    public init(method: Method = .structure, maxCharacters: Int = 1200, windowWords: Int = 200, overlapWords: Int = 40,
                windowTokens: Int = 200, overlapTokens: Int = 32) {
        self.method = method
        self.maxCharacters = maxCharacters
        self.windowWords = windowWords
        self.overlapWords = overlapWords
        self.windowTokens = windowTokens
        self.overlapTokens = overlapTokens
    }

    private enum CodingKeys: String, CodingKey { case method, maxCharacters, windowWords, overlapWords, windowTokens, overlapTokens }

    /// Decodes settings; a field a store written before it existed keeps its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ChunkingSettings()
        method = try c.decodeIfPresent(Method.self, forKey: .method) ?? d.method
        maxCharacters = try c.decodeIfPresent(Int.self, forKey: .maxCharacters) ?? d.maxCharacters
        windowWords = try c.decodeIfPresent(Int.self, forKey: .windowWords) ?? d.windowWords
        overlapWords = try c.decodeIfPresent(Int.self, forKey: .overlapWords) ?? d.overlapWords
        windowTokens = try c.decodeIfPresent(Int.self, forKey: .windowTokens) ?? d.windowTokens
        overlapTokens = try c.decodeIfPresent(Int.self, forKey: .overlapTokens) ?? d.overlapTokens
    }

    /// The chunks of `text` (document key `source`). `.tokens` needs `countTokens` (a piece of
    /// text → the embedding model's tokens, no special tokens); without it, it cuts words.
    public func chunks(of text: String, source: String, countTokens: (@Sendable (Substring) -> Int)? = nil) -> [Chunk] {
        switch method {
        case .structure: return StructureChunker(maxCharacters: maxCharacters).chunks(of: text, documentID: source)
        case .words:
            let size = max(1, windowWords)
            return TokenWindowChunker(size: size, overlap: min(max(0, overlapWords), size - 1)).chunks(of: text, documentID: source)
        case .tokens:
            let size = max(1, windowTokens)
            return TokenWindowChunker(size: size, overlap: min(max(0, overlapTokens), size - 1), weigh: countTokens)
                .chunks(of: text, documentID: source)
        }
    }
}

extension Chunk {
    /// The chunk's identity in a store: its document, the hash of its text, and which repeat of
    /// that text in the document it is. It does not depend on position, so editing one part of a
    /// document leaves the other chunks' keys (and vectors, and postings) as they were.
    public func storeKey(occurrence: Int) -> String {
        let hex = String(contentHash, radix: 16)
        return occurrence == 0 ? "\(documentID)#\(hex)" : "\(documentID)#\(hex).\(occurrence)"
    }
}
