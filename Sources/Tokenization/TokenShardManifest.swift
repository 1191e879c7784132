import ModelFiles

/// The two token streams a shard directory holds.
public enum DatasetSplit: String, Sendable, CaseIterable, Codable {
    /// Training tokens.
    case train
    /// Held-out tokens for evaluation.
    case validation
}

/// `manifest.json` of a shard directory: which shards make up each split, in order, with their
/// counts and checksums, and the tokenizer the ids belong to. Written last and atomically, so
/// a directory with a manifest holds a complete set; without one it holds nothing usable.
///
///     {"format": "tern-token-shards", "version": 1,
///      "tokenizer": {"fingerprint": "fnv1a64:…", "vocabulary_size": 50257, "end_of_document_token": 50256},
///      "bytes_per_token": 2, "shard_tokens": 100000000, "validation_split": {"fraction": 0.01},
///      "inputs": [{"path": "a.jsonl", "bytes": 1234, "documents": 10}],
///      "train": {"tokens": …, "documents": …, "shards": [{"file": "train-000000.bin", "tokens": …,
///                "documents": …, "checksum": "0x…"}]},
///      "validation": {…}}
public struct TokenShardManifest: Sendable, Equatable {
    /// The manifest's file name inside a shard directory.
    public static let fileName = "manifest.json"
    /// The `format` value.
    public static let formatName = "tern-token-shards"

    /// One shard file of a split.
    public struct Shard: Sendable, Equatable {
        /// File name, relative to the directory.
        public var file: String
        /// Token ids in the file.
        public var tokens: Int
        /// Documents whose last token is in the file.
        public var documents: Int
        /// FNV-1a 64 of the token bytes (as in the header).
        public var checksum: UInt64

        public init(file: String, tokens: Int, documents: Int, checksum: UInt64) {
            self.file = file
            self.tokens = tokens
            self.documents = documents
            self.checksum = checksum
        }
    }

    /// The shards of one split, in stream order.
    public struct ShardList: Sendable, Equatable {
        /// The shards.
        public var shards: [Shard]
        /// Tokens over all shards.
        public var tokens: Int { shards.reduce(0) { $0 + $1.tokens } }
        /// Documents over all shards.
        public var documents: Int { shards.reduce(0) { $0 + $1.documents } }

        public init(shards: [Shard]) { self.shards = shards }
    }

    /// The tokenizer the ids belong to.
    public struct TokenizerInfo: Sendable, Equatable {
        /// `TokenShardBuilder.fingerprint(of:)` of the tokenizer.
        public var fingerprint: String
        /// Ids are below this.
        public var vocabularySize: Int
        /// The id that ends every document, or nil when documents were not separated.
        public var endOfDocumentToken: Int?

        public init(fingerprint: String, vocabularySize: Int, endOfDocumentToken: Int?) {
            self.fingerprint = fingerprint
            self.vocabularySize = vocabularySize
            self.endOfDocumentToken = endOfDocumentToken
        }
    }

    /// An input file and what it contributed.
    public struct Input: Sendable, Equatable {
        /// The path as given.
        public var path: String
        /// Bytes read.
        public var bytes: Int
        /// Documents read (both splits).
        public var documents: Int

        public init(path: String, bytes: Int, documents: Int) {
            self.path = path
            self.bytes = bytes
            self.documents = documents
        }
    }

    /// The tokenizer.
    public var tokenizer: TokenizerInfo
    /// Ids per shard (the last of a split may hold fewer).
    public var shardTokens: Int
    /// How documents were assigned to the validation split.
    public var validationSplit: TokenShardBuilder.ValidationSplit
    /// The inputs, in reading order.
    public var inputs: [Input]
    /// The training shards.
    public var train: ShardList
    /// The validation shards.
    public var validation: ShardList

    /// 2 or 4, from the vocabulary size.
    public var bytesPerToken: Int { TokenShard.Header.bytesPerToken(vocabularySize: tokenizer.vocabularySize) }

    public init(tokenizer: TokenizerInfo, shardTokens: Int, validationSplit: TokenShardBuilder.ValidationSplit,
                inputs: [Input], train: ShardList, validation: ShardList) {
        self.tokenizer = tokenizer
        self.shardTokens = shardTokens
        self.validationSplit = validationSplit
        self.inputs = inputs
        self.train = train
        self.validation = validation
    }

    /// The shards of `split`.
    public subscript(split: DatasetSplit) -> ShardList {
        switch split {
        case .train: return train
        case .validation: return validation
        }
    }

    /// The JSON text, keys in the order documented above, two-space indent, newline-terminated.
    public func jsonString() -> String {
        var root = TemplateObject()
        root["format"] = .string(Self.formatName)
        root["version"] = .int(Int(TokenShard.Header.currentVersion))
        root["tokenizer"] = .object(["fingerprint": .string(tokenizer.fingerprint),
                                     "vocabulary_size": .int(tokenizer.vocabularySize),
                                     "end_of_document_token": tokenizer.endOfDocumentToken.map { .int($0) } ?? .null])
        root["bytes_per_token"] = .int(bytesPerToken)
        root["shard_tokens"] = .int(shardTokens)
        switch validationSplit {
        case .none: root["validation_split"] = .null
        case .fraction(let f): root["validation_split"] = .object(["fraction": .double(f)])
        case .firstDocuments(let n): root["validation_split"] = .object(["first_documents": .int(n)])
        }
        root["inputs"] = .array(inputs.map { (i: Input) -> TemplateValue in
            .object(["path": .string(i.path), "bytes": .int(i.bytes), "documents": .int(i.documents)])
        })
        for split in DatasetSplit.allCases {
            let list = self[split]
            root[split.rawValue] = .object([
                "tokens": .int(list.tokens), "documents": .int(list.documents),
                "shards": .array(list.shards.map { (s: Shard) -> TemplateValue in
                    .object(["file": .string(s.file), "tokens": .int(s.tokens), "documents": .int(s.documents),
                             "checksum": .string(hex(s.checksum))])
                }),
            ])
        }
        return TemplateValue.object(root).jsonString(indent: 2) + "\n"
    }

    /// Writes `manifest.json` into `directory` atomically (temporary file, sync, rename).
    public func write(toDirectory directory: String) throws(TokenShardError) {
        let path = directory + "/" + Self.fileName
        do { try writeFileAtomically(path: path, bytes: Array(jsonString().utf8)) } catch {
            if case .writeFailed(_, let reason) = error { throw .writeFailed(path: path, reason: reason) }
            throw .writeFailed(path: path, reason: error.description)
        }
    }
}
