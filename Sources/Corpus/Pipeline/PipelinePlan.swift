/// A recipe's steps resolved into runnable steps and cut into stages at the deduplication
/// steps: `segments[i]` runs document by document, then `barriers[i]` (if any) needs every
/// document the segment kept before the next segment can start.
public struct PipelinePlan: Sendable {
    /// A document step with its position in the recipe (for file names and the report).
    public struct Placed<Step: Sendable>: Sendable {
        public var index: Int
        public var step: Step
        /// `03_gopher_quality`: the step's folder under `removed/` and its key in the report.
        public var label: String
    }

    public var segments: [[Placed<any DocumentStep>]]
    public var barriers: [Placed<any DeduplicationStep>]
    /// Tokenization into token shards after the last segment (the recipe's last step, if any).
    public var tokenize: TokenizeSettings?

    /// Cuts `steps` (in recipe order) into segments and barriers.
    public init(steps: [PlannedStep], tokenize: TokenizeSettings? = nil) {
        var segments: [[Placed<any DocumentStep>]] = [[]]
        var barriers: [Placed<any DeduplicationStep>] = []
        for (i, planned) in steps.enumerated() {
            switch planned {
            case .document(let step):
                segments[segments.count - 1].append(Placed(index: i, step: step, label: Self.label(i, step.name)))
            case .deduplication(let step):
                barriers.append(Placed(index: i, step: step, label: Self.label(i, step.name)))
                segments.append([])
            }
        }
        self.segments = segments
        self.barriers = barriers
        self.tokenize = tokenize
    }

    static func label(_ index: Int, _ name: String) -> String {
        (index < 10 ? "0" : "") + "\(index)_\(name)"
    }

    /// Every step label in recipe order (document steps and barriers).
    public var labels: [String] {
        var all = segments.flatMap { $0.map { ($0.index, $0.label) } } + barriers.map { ($0.index, $0.label) }
        all.sort { $0.0 < $1.0 }
        return all.map(\.1)
    }
}

/// One resolved recipe step.
public enum PlannedStep: Sendable {
    case document(any DocumentStep)
    case deduplication(any DeduplicationStep)
}

/// The `tokenize` step: the kept documents into token shards (`tokens/` of the output).
public struct TokenizeSettings: Codable, Sendable, Equatable {
    /// A `tokenizer.json` file.
    public var tokenizer: String = ""
    /// Tokens per shard file.
    public var shardTokens: Int = 100_000_000
    /// Every n-th document to the validation split (0: none).
    public var validationEvery: Int = 0
    /// Append the tokenizer's end-of-document token after each document.
    public var appendEndOfDocument: Bool = true
    public init() {}
}
