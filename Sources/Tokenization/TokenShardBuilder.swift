#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tokenizes a corpus into a shard directory: `train-000000.bin…`, `validation-000000.bin…`
/// (`TokenShard` format) and `manifest.json` (`TokenShardManifest`), the way nanoGPT's and
/// llm.c's `prepare` scripts do, deterministically.
///
/// Documents: each non-blank line of a `.jsonl`/`.ndjson` file is one JSON object whose string
/// field `textField` is a document; any other file is plain UTF-8 text and is one document
/// whole (a book, a web page: cutting it at blank lines would put separators inside it).
/// A document's ids are `tokenizer.encode(text, addSpecial: false, parseSpecial: false)` —
/// no automatic BOS/EOS, and special-token text in the corpus stays plain text, so data cannot
/// inject control tokens — then, with `appendEndOfDocument`, the end-of-document token.
///
/// Determinism: documents are numbered in input order (files in the order given, lines in
/// file order); the split of document i depends on i alone, and encoding runs on several
/// threads but its results are written in document order, so the same inputs, tokenizer and
/// configuration give byte-identical shards whatever the thread count.
///
/// Failure: bad input (malformed JSON, a missing field, invalid UTF-8) stops the run with the
/// file and line; the shards written so far are removed and no manifest is written. A
/// directory with a manifest is never written into; shards and temporary files left there by
/// a run that was killed (no manifest) are removed first.
public struct TokenShardBuilder: Sendable {
    /// Which documents go to the validation split.
    public enum ValidationSplit: Sendable, Equatable, Codable {
        /// None: every document is training data.
        case none
        /// Each document independently with this probability, decided by a fixed hash of its
        /// index (spread over the whole corpus, same choice on every run), in 0..<1.
        case fraction(Double)
        /// The first n documents in input order (as llm.c's fineweb script keeps the first shard).
        case firstDocuments(Int)

        /// Whether document `index` (0-based, input order) is a validation document.
        public func isValidation(documentIndex index: Int) -> Bool {
            switch self {
            case .none: return false
            case .fraction(let f): return Double(splitMix64(UInt64(index) ^ 0x7661_6C69_6461_7465) >> 11) * 0x1p-53 < f
            case .firstDocuments(let n): return index < n
            }
        }
    }

    /// How an input file holds its documents.
    public enum InputFormat: Sendable, Equatable {
        /// The whole file is one UTF-8 document.
        case text
        /// JSON Lines: each non-blank line is an object whose string field `field` is a document.
        case jsonLines(field: String)

        /// `.jsonLines(field:)` for `.jsonl`/`.ndjson` names, else `.text`.
        public static func guess(path: String, field: String) -> InputFormat {
            path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson") ? .jsonLines(field: field) : .text
        }
    }

    /// What to build.
    public struct Configuration: Sendable, Codable, Equatable {
        /// Ids per shard: 100M (llm.c's fineweb shards; 200 MB at 2 bytes per id, a size that
        /// copies and maps comfortably).
        public var shardTokens: Int = 100_000_000
        /// No validation split unless asked for (a split is a choice about the data).
        public var validationSplit: ValidationSplit = .none
        /// The JSONL field holding a document's text: `text`, as datatrove, dolma and HF datasets name it.
        public var textField: String = "text"
        /// End each document with the tokenizer's end-of-document token (`endOfDocumentToken(of:)`).
        public var appendEndOfDocument: Bool = false
        /// Encoding threads; 0: every online core. Does not change the output.
        public var threads: Int = 0

        public init() {}
    }

    /// Counts so far, reported after each batch of documents.
    public struct Progress: Sendable, Equatable {
        /// The input being read.
        public var input: String
        /// Documents written (both splits).
        public var documents: Int
        /// Ids written (both splits).
        public var tokens: Int
        /// Input bytes read.
        public var bytesRead: Int
    }

    /// The configuration.
    public let configuration: Configuration
    /// The tokenizer.
    public let tokenizer: Tokenizer
    /// The id appended to each document, when `appendEndOfDocument`.
    public let endOfDocumentToken: Int?
    /// Documents per encoding batch, and the text bytes that also end one: enough work for
    /// every thread, little enough memory.
    static let batchDocuments = 1024, batchBytes = 4 << 20

    /// A builder; throws when the configuration is out of range or an end-of-document token
    /// is asked for and the tokenizer has none.
    public init(tokenizer: Tokenizer, configuration: Configuration = Configuration()) throws(TokenShardError) {
        let c = configuration
        guard c.shardTokens > 0 else { throw .invalidConfiguration(field: "shard tokens", reason: "must be positive, got \(c.shardTokens)") }
        guard c.threads >= 0 else { throw .invalidConfiguration(field: "threads", reason: "must be 0 or more, got \(c.threads)") }
        guard !c.textField.isEmpty else { throw .invalidConfiguration(field: "text field", reason: "must not be empty") }
        switch c.validationSplit {
        case .fraction(let f) where !(f >= 0 && f < 1):
            throw .invalidConfiguration(field: "validation fraction", reason: "must be in [0, 1), got \(f)")
        case .firstDocuments(let n) where n < 0:
            throw .invalidConfiguration(field: "validation documents", reason: "must be 0 or more, got \(n)")
        default: break
        }
        if c.appendEndOfDocument {
            guard let e = Self.endOfDocumentToken(of: tokenizer) else { throw .noEndOfDocumentToken }
            endOfDocumentToken = e
        } else {
            endOfDocumentToken = nil
        }
        self.configuration = c
        self.tokenizer = tokenizer
    }

    /// Tokenizes `inputs` into `outputDirectory` (created if needed) and returns the manifest
    /// written there. `progress` is called on the calling thread after each batch.
    @discardableResult
    public func build(inputs: [String], outputDirectory: String,
                      progress: (Progress) -> Void = { _ in }) throws(TokenShardError) -> TokenShardManifest {
        try Self.prepareOutput(outputDirectory)
        let vocabulary = tokenizer.vocabularySize
        let writers = [
            try TokenShardWriter(directory: outputDirectory, split: DatasetSplit.train.rawValue,
                                 shardTokens: configuration.shardTokens, vocabularySize: vocabulary,
                                 endOfDocumentToken: endOfDocumentToken),
            try TokenShardWriter(directory: outputDirectory, split: DatasetSplit.validation.rawValue,
                                 shardTokens: configuration.shardTokens, vocabularySize: vocabulary,
                                 endOfDocumentToken: endOfDocumentToken),
        ]
        do {
            var run = Run(progress: Progress(input: "", documents: 0, tokens: 0, bytesRead: 0))
            var records = [TokenShardManifest.Input]()
            for path in inputs {
                run.progress.input = path
                let before = (run.progress.bytesRead, run.documentIndex + run.batch.count)
                let format = InputFormat.guess(path: path, field: configuration.textField)
                let bytes = try Self.readDocuments(path: path, format: format) { (document) throws(TokenShardError) in
                    run.progress.bytesRead += document.bytes.count  // exact once the file is done
                    run.batch.append(document)
                    run.batchBytes += document.bytes.count
                    if run.batch.count >= Self.batchDocuments || run.batchBytes >= Self.batchBytes {
                        try write(&run, to: writers, progress: progress)
                    }
                }
                run.progress.bytesRead = before.0 + bytes
                records.append(.init(path: path, bytes: bytes,
                                     documents: run.documentIndex + run.batch.count - before.1))
            }
            try write(&run, to: writers, progress: progress)
            let train = try writers[0].finish(), validation = try writers[1].finish()
            let manifest = TokenShardManifest(
                tokenizer: .init(fingerprint: Self.fingerprint(of: tokenizer), vocabularySize: vocabulary,
                                 endOfDocumentToken: endOfDocumentToken),
                shardTokens: configuration.shardTokens, validationSplit: configuration.validationSplit,
                inputs: records, train: .init(shards: train), validation: .init(shards: validation))
            try manifest.write(toDirectory: outputDirectory)
            Self.syncDirectory(outputDirectory)
            return manifest
        } catch {
            for w in writers { w.discard() }
            throw error
        }
    }

    /// The state of one `build` between batches.
    struct Run {
        var progress: Progress
        var batch = [RawDocument]()
        var batchBytes = 0
        /// Index of the next document to be written (input order, both splits).
        var documentIndex = 0
    }

    /// Encodes the pending batch and appends its documents, in order, to their splits' writers.
    private func write(_ run: inout Run, to writers: [TokenShardWriter],
                       progress: (Progress) -> Void) throws(TokenShardError) {
        if run.batch.isEmpty { return }
        for result in encode(run.batch) {
            let tokens = try result.get()
            let split = configuration.validationSplit.isValidation(documentIndex: run.documentIndex) ? 1 : 0
            try writers[split].appendDocument(tokens)
            run.documentIndex += 1
            run.progress.documents += 1
            run.progress.tokens += tokens.count
        }
        run.batch.removeAll(keepingCapacity: true)
        run.batchBytes = 0
        progress(run.progress)
    }
}

/// SplitMix64's output function: a fixed bijective mix of 64 bits.
func splitMix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
