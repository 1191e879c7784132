import ModelFiles

/// Parameters of n-gram decontamination (GPT-3 / lm-evaluation-harness style: 13-grams of
/// normalised words; a training document sharing any with an eval example is removed).
public struct DecontaminationConfig: Codable, Sendable, Equatable {
    /// What happens to a contaminated document.
    public enum Action: String, Codable, Sendable { case drop, report }

    /// Words per n-gram (GPT-3, lm-evaluation-harness, Llama 2: 13).
    public var nGramSize = 13
    /// Distinct eval n-grams a document must contain to count as contaminated (1: any).
    public var minMatches = 1
    /// `drop` removes the document; `report` keeps it and only writes the metadata.
    public var action = Action.drop
    /// Normalisation before splitting on spaces: lowercase, punctuation removed, whitespace
    /// collapsed, accents stripped; numbers kept (they matter in eval answers).
    public var simplifier: TextSimplifier = {
        var s = TextSimplifier()
        s.normalizeNumbers = false
        return s
    }()
    /// Field holding the eval text in eval JSONL files.
    public var textField = "text"
    /// Field holding the eval example id (otherwise `file:line`).
    public var idField = "id"

    /// The defaults above.
    public init() {}
}

/// The eval side of decontamination: 64-bit XXH64 hashes of every normalised word n-gram of
/// the eval examples, each mapped to the first example that has it (~40 bytes per n-gram).
/// Eval examples shorter than one n-gram contribute nothing (counted in `shortExamples`).
public struct EvalNGramIndex: Sendable {
    /// The parameters the index was built with.
    public let config: DecontaminationConfig
    /// Ids of the eval examples, by position.
    public private(set) var exampleIDs: [String] = []
    /// n-gram hash → position of the first example containing it.
    public private(set) var ngrams: [UInt64: Int32] = [:]
    /// Examples with fewer words than `nGramSize`.
    public private(set) var shortExamples = 0

    /// An empty index.
    public init(config: DecontaminationConfig = DecontaminationConfig()) throws(DedupError) {
        guard config.nGramSize >= 1 else { throw .invalidConfig("nGramSize must be ≥ 1, got \(config.nGramSize)") }
        guard config.minMatches >= 1 else { throw .invalidConfig("minMatches must be ≥ 1, got \(config.minMatches)") }
        self.config = config
    }

    /// Adds one eval example.
    public mutating func add(id: String, text: String) {
        let position = Int32(exampleIDs.count)
        exampleIDs.append(id)
        let hashes = ngramHashes(of: text)
        if hashes.isEmpty { shortExamples += 1 }
        for h in hashes where ngrams[h] == nil { ngrams[h] = position }
    }

    /// Adds a list of eval texts, with ids `<idPrefix>/<position in the list>`.
    public mutating func add(texts: [String], idPrefix: String = "eval") {
        for (i, text) in texts.enumerated() { add(id: "\(idPrefix)/\(i)", text: text) }
    }

    /// Adds every line of a JSONL eval file (`textField`, and `idField` or `path:line` as id).
    public mutating func addJSONL(path: String) throws(DedupError) {
        let bytes = try BinaryFile.read(path)
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
            let value: JSONValue
            do { value = try JSONValue.parse(Array(line)) } catch {
                throw .malformedFile(path: path, offset: 0, reason: "line \(lineNumber): invalid JSON: \(error)")
            }
            guard let text = value[config.textField]?.string else {
                throw .missingField(path: path, line: lineNumber, field: config.textField)
            }
            add(id: value[config.idField]?.string ?? "\(path):\(lineNumber)", text: text)
        }
    }

    /// XXH64 of each space-joined n-gram of the normalised words of `text`.
    public func ngramHashes(of text: String) -> [UInt64] {
        XXHash64.nGramHashes(config.simplifier.simplify(text).split(separator: " "), n: config.nGramSize)
    }
}

/// The training side: finds eval n-grams in documents and drops (or reports) them with reason
/// `decontaminated`, writing `decontaminated_eval_id` (the example of the first match) and
/// `decontamination_matches` (distinct eval n-grams found) to the metadata.
public struct DecontaminationFilter: Sendable {
    /// The eval n-grams.
    public let index: EvalNGramIndex

    /// A filter over `index` (its config decides threshold and action).
    public init(index: EvalNGramIndex) { self.index = index }

    /// Distinct eval n-grams in `text`, and the eval example of the first one found.
    public func matches(in text: String) -> (count: Int, firstExample: String?) {
        var seen = Set<UInt64>()
        var first: String?
        for h in index.ngramHashes(of: text) {
            guard let example = index.ngrams[h], seen.insert(h).inserted else { continue }
            if first == nil { first = index.exampleIDs[Int(example)] }
        }
        return (seen.count, first)
    }

    /// The verdict on `document`, annotating it when contaminated.
    public func apply(to document: inout Document) -> FilterVerdict {
        let (count, first) = matches(in: document.text)
        guard count >= index.config.minMatches, let first else { return .keep }
        document[metadata: "decontaminated_eval_id"] = .string(first)
        document[metadata: "decontamination_matches"] = .number(Double(count), integer: count)
        return index.config.action == .drop ? .drop(reason: "decontaminated") : .keep
    }
}
