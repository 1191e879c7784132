/// Byte-level BPE training, as GPT-2 and HF `tokenizers`' `BpeTrainer` do it.
///
/// Text is cut into words by the pre-tokenizer (`configuration.pattern`), each distinct word is
/// counted once with its frequency, and each word starts as one symbol per byte. The vocabulary
/// starts with the special tokens (ids 0…, in the order given), then the 256 byte symbols in
/// code-point order of their byte-level characters (HF's order: `!` first, `Ń` last). Training
/// then repeatedly merges the most frequent adjacent pair into a new symbol until the vocabulary
/// has `vocabularySize` tokens or no pair occurs `minFrequency` times.
///
/// Ties: among pairs with the same count, the pair whose (left id, right id) is smallest,
/// compared left id first, wins — HF `tokenizers`' rule, so with the same ids both trainers
/// pick the same merge. A merge whose text is already a token (`a`+`bc` after `ab`+`c`) reuses
/// that token's id, adds a merge rule and does not grow the vocabulary (HF does the same).
/// Known difference: in that case HF can queue a pair of the reused id twice, with different
/// word lists, and so learn the same merge rule twice; here every pair merges once, everywhere.
///
/// Counting is incremental: a pair → (count, words containing it) index and a max-heap of pair
/// counts with lazy invalidation; a merge touches only the words that contain its pair.
///
/// Special-token text found in the training text is cut out first and never counted, so no merge
/// ever spans or builds a special token.
public struct BPETrainer {
    /// What to train.
    public struct Configuration: Sendable, Codable, Equatable {
        /// Final vocabulary size, special tokens and the 256 byte symbols included.
        public var vocabularySize: Int = 32_000
        /// A pair merges only if it occurs at least this many times (0 and 1 both mean: once).
        public var minFrequency: Int = 2
        /// Special tokens, ids 0… in this order; matched whole, never split, never merged into.
        public var specialTokens: [String] = []
        /// How text is cut into words: `gpt2` (HF's ByteLevel regex), `llama3` or `qwen2`.
        public var pattern: String = PreTokenizer.gpt2.rawValue

        /// The defaults: 32,000 tokens (a common small-model size), pairs seen twice or more
        /// (a pair seen once is noise), GPT-2's split, no special tokens.
        public init() {}
    }

    /// The pre-tokenizer patterns training supports (those HF `tokenizer.json` can express exactly).
    public static let supportedPatterns: [PreTokenizer] = [.gpt2, .llama3, .qwen2]

    public let configuration: Configuration
    let pattern: PreTokenizer
    /// Distinct words (raw bytes) → index into `wordCounts`.
    var wordIndex = ByteStringTable(capacity: 1 << 16, arenaBytes: 1 << 20)
    /// Occurrences of each distinct word.
    var wordCounts = [Int]()
    private var scanner: WordScanner
    private let specials: SpecialTokenMatcher?

    /// A trainer with nothing counted yet.
    public init(configuration: Configuration) throws(BPETrainingError) {
        guard let p = PreTokenizer(rawValue: configuration.pattern), Self.supportedPatterns.contains(p) else {
            throw .unsupportedPattern(configuration.pattern)
        }
        guard configuration.vocabularySize > 0 else { throw .invalidVocabularySize(configuration.vocabularySize) }
        for s in configuration.specialTokens where s.isEmpty { throw .emptySpecialToken }
        self.configuration = configuration
        pattern = p
        scanner = WordScanner(pattern: p)
        if configuration.specialTokens.isEmpty {
            specials = nil
        } else {
            var seen = Set<String>()
            let list = configuration.specialTokens.enumerated().compactMap { (i, s) -> (Int32, [UInt8], Bool)? in
                seen.insert(s).inserted ? (Int32(i), Array(s.utf8), false) : nil
            }
            specials = SpecialTokenMatcher(specials: list.map { (id: $0.0, text: $0.1, onlyWhenParsing: $0.2) })
        }
    }

    /// Number of distinct words counted so far.
    public var distinctWordCount: Int { wordCounts.count }

    /// Counts the words of one text (a line of a text file, or one JSONL document).
    public mutating func add(_ text: String) {
        var t = text
        t.withUTF8 { add(utf8: $0) }
    }

    /// `add` over valid UTF-8.
    mutating func add(utf8 text: UnsafeBufferPointer<UInt8>) {
        guard let specials else { countWords(text); return }
        for segment in specials.partition(text, parseSpecial: false) {
            if case .text(let r) = segment { countWords(UnsafeBufferPointer(rebasing: text[r])) }
        }
    }

    private mutating func countWords(_ text: UnsafeBufferPointer<UInt8>) {
        var scanner = self.scanner
        self.scanner = WordScanner(pattern: pattern)  // keep the buffers uniquely owned
        scanner.forEachWord(in: text) { word in
            let next = Int32(wordCounts.count)
            if let existing = wordIndex.insert(UnsafeRawBufferPointer(word), value: next) {
                wordCounts[Int(existing)] += 1
            } else {
                wordCounts.append(1)
            }
        }
        self.scanner = scanner
    }
}

/// Why training could not start or an input could not be read.
public enum BPETrainingError: Error, CustomStringConvertible, Equatable {
    /// The pattern is not one training supports.
    case unsupportedPattern(String)
    /// The vocabulary size is not positive.
    case invalidVocabularySize(Int)
    /// A special token is the empty string.
    case emptySpecialToken
    /// An input file could not be opened or read.
    case unreadableFile(path: String, reason: String)
    /// A line of an input file is not valid UTF-8 (line numbers from 1).
    case invalidUTF8(path: String, line: Int)
    /// A JSONL line is not a JSON object with a string `field`.
    case invalidJSONLine(path: String, line: Int, reason: String)

    /// What went wrong, in one line.
    public var description: String {
        switch self {
        case .unsupportedPattern(let p):
            let names = BPETrainer.supportedPatterns.map(\.rawValue).joined(separator: ", ")
            return "pre-tokenizer '\(p)' cannot be trained (supported: \(names))"
        case .invalidVocabularySize(let n): return "vocabulary size must be positive, got \(n)"
        case .emptySpecialToken: return "a special token must not be empty"
        case .unreadableFile(let path, let reason): return "\(path): \(reason)"
        case .invalidUTF8(let path, let line): return "\(path):\(line): not valid UTF-8"
        case .invalidJSONLine(let path, let line, let reason): return "\(path):\(line): \(reason)"
        }
    }
}
