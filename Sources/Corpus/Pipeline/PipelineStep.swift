import ModelFiles

/// A step that looks at one document at a time: it may rewrite the text and metadata and
/// decides whether the document goes on. Steps are values shared by the worker threads; what
/// changes while a task runs lives in the `StepScratch` the executor passes in.
public protocol DocumentStep: Sendable {
    /// The step's name in recipes and reports (`gopher_quality`).
    var name: String { get }
    /// Processes `document`; `.drop(reason:)` removes it (the executor writes it to the step's
    /// exclusion file with the reason).
    func process(_ document: inout Document, _ scratch: inout StepScratch) -> FilterVerdict
}

/// A step that needs every document before it can decide (exact and near deduplication).
/// The executor runs it in three phases: each task records a fixed-size key per document it
/// keeps; one pass over all tasks' keys decides; the next stage applies the decisions.
public protocol DeduplicationStep: Sendable {
    var name: String { get }
    /// Bytes recorded per document.
    var recordSize: Int { get }
    /// Writes `document`'s key into `record` (`recordSize` bytes).
    func record(_ document: Document, into record: UnsafeMutableRawBufferPointer, _ scratch: inout StepScratch)
    /// Decides over every task's records (`records[task]` holds that task's documents in
    /// order, `recordSize` bytes each): which documents to drop, and the clusters.
    func resolve(records: [UnsafeRawBufferPointer], statistics: inout StepStatistics) -> DeduplicationDecisions
    /// The reason a dropped copy is given (`minhash_duplicate`).
    var duplicateReason: String { get }
    /// Prefix of the cluster metadata written on clustered documents
    /// (`<prefix>_cluster_id`: the kept document's run-wide number, `<prefix>_cluster_size`).
    var metadataPrefix: String { get }
}

extension DeduplicationStep {
    public var duplicateReason: String { "duplicate" }
    public var metadataPrefix: String { name }
}

/// The outcome of a deduplication pass: for each task, for each document, the index of the
/// document (as a run-wide ordinal) that represents its cluster, or -1 when it is unique.
/// A document is dropped when its representative is another document.
public struct DeduplicationDecisions: Sendable, Equatable {
    /// `representative[task][index]`: run-wide ordinal of the cluster's kept document, or -1.
    public var representative: [[Int64]]
    /// Cluster sizes by representative ordinal (only clusters of two or more).
    public var clusterSizes: [Int64: Int]

    public init(representative: [[Int64]], clusterSizes: [Int64: Int]) {
        self.representative = representative
        self.clusterSizes = clusterSizes
    }
}

/// Per-task working state handed to a step: its statistics for the task, and a memo of values
/// derived from the current text that several steps share (the word split, say).
public struct StepScratch {
    /// This step's statistics over the task so far (`observe` signals and counters here).
    public var statistics = StepStatistics()
    /// Values computed from the current document's text, shared by all steps of the task.
    public let memo: TextMemo
    /// The step's own state across the documents of a task (a replacement cycle, say).
    public var state: Any?
    public init(memo: TextMemo = TextMemo()) { self.memo = memo }
}

/// Values computed from one text (the word split, the lines) that several steps reuse; cleared
/// when the text changes.
public final class TextMemo {
    private var text: String = ""
    private var values: [ObjectIdentifier: Any] = [:]

    public init() {}

    /// The value of `key`'s type for `text`, computed by `make` once per distinct text.
    public func value<T>(_ key: T.Type, for text: String, make: () -> T) -> T {
        if !(text.utf8.count == self.text.utf8.count && text == self.text) {
            self.text = text
            values.removeAll(keepingCapacity: true)
        }
        if let v = values[ObjectIdentifier(key)] as? T { return v }
        let v = make()
        values[ObjectIdentifier(key)] = v
        return v
    }
}
