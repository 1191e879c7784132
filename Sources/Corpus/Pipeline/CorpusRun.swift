import Foundation

/// Runs a pipeline over a corpus: one task per input file, `workers` tasks at a time, stage by
/// stage (a stage ends at each deduplication step). Every task writes its files under temporary
/// names and renames them when it finishes, then records that it is done; a run started again
/// in the same output folder skips finished tasks and redoes unfinished ones, so a run killed at
/// any moment finishes with the same bytes as an uninterrupted one.
///
/// Output folder:
///
///     data/NNNNN.jsonl            kept documents of input file NNNNN (input order)
///     removed/SS_step/NNNNN.jsonl documents step SS removed, with `filter_reason` in metadata
///     tokens/                      token shards, if the recipe ends with `tokenize`
///     report.json, report.html     counts, reasons with examples, histograms
///     .work/                       stage files and task markers (kept for resuming; removable after)
public final class CorpusRun: @unchecked Sendable {
    /// An input file of the run (one task per file).
    public struct InputUnit: Sendable, Equatable {
        public var path: String
        public var input: Recipe.Input
        public var bytes: Int
        public init(path: String, input: Recipe.Input, bytes: Int) {
            self.path = path
            self.input = input
            self.bytes = bytes
        }
    }

    /// How the run opens inputs and writes files (real files by default; tests substitute).
    public struct FileAccess: Sendable {
        /// Opens input unit `unit` (stage 0).
        public var openInput: @Sendable (InputUnit) throws(CorpusError) -> any DocumentSource
        /// Opens a stage file this run wrote (plain JSONL of `Document.jsonLine()`).
        public var openStageFile: @Sendable (String) throws(CorpusError) -> any DocumentSource
        /// Creates a sink that will appear at `path` on `finish()`; `compression`: none/gzip/zstd.
        public var makeSink: @Sendable (_ path: String, _ compression: String) throws(CorpusError) -> any DocumentSink

        public init(openInput: @escaping @Sendable (InputUnit) throws(CorpusError) -> any DocumentSource,
                    openStageFile: @escaping @Sendable (String) throws(CorpusError) -> any DocumentSource,
                    makeSink: @escaping @Sendable (String, String) throws(CorpusError) -> any DocumentSink) {
            self.openInput = openInput
            self.openStageFile = openStageFile
            self.makeSink = makeSink
        }
    }

    public let recipe: Recipe
    public let plan: PipelinePlan
    public let units: [InputUnit]
    public let files: FileAccess
    /// The output folder (the recipe's `output`, resolved).
    public let output: String
    let progress: RunProgress

    /// Prepares a run of `plan` over `units`; `showProgress` draws a progress line on stderr.
    public init(recipe: Recipe, plan: PipelinePlan, units: [InputUnit], files: FileAccess, showProgress: Bool = false) {
        self.recipe = recipe
        self.plan = plan
        self.units = units
        self.files = files
        self.output = recipe.resolve(recipe.output)
        self.progress = RunProgress(enabled: showProgress)
    }

    var work: String { output + "/.work" }
    func stageFolder(_ s: Int) -> String { work + "/s\(s)" }
    static func taskName(_ t: Int) -> String { String(repeating: "0", count: max(0, 5 - String(t).count)) + String(t) }
    var extensionForCompression: String {
        switch recipe.compression {
        case "gzip": return ".jsonl.gz"
        case "zstd": return ".jsonl.zst"
        default: return ".jsonl"
        }
    }

    /// Runs (or resumes) every stage, then tokenization, and writes the report.
    @discardableResult
    public func run() throws(CorpusError) -> RunReport {
        try prepareFolders()
        let started = Date()
        for s in plan.segments.indices {
            try runStage(s)
            if s < plan.barriers.count { try resolveBarrier(s) }
        }
        progress.finish()
        var report = try collectReport()
        if let settings = plan.tokenize {
            report.tokens = try tokenize(settings)
        }
        report.seconds = Date().timeIntervalSince(started)
        try report.write(to: output)
        return report
    }

    /// Creates the output folders, checks that an existing run is of this recipe and inputs, and
    /// removes temporary files a killed run left.
    func prepareFolders() throws(CorpusError) {
        let fm = FileManager.default
        let identity = "recipe \(recipe.fingerprint)\n" + units.map { "\($0.path) \($0.bytes)" }.joined(separator: "\n") + "\n"
        let identityPath = work + "/run.txt"
        do {
            try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
            if let existing = fm.contents(atPath: identityPath) {
                guard String(decoding: existing, as: UTF8.self) == identity else {
                    throw CorpusError.mismatchedRun(folder: output, reason: "holds a run of another recipe or other inputs; choose a new output folder or delete this one")
                }
            } else {
                try RunFiles.writeAtomically(Array(identity.utf8), to: identityPath)
            }
            for folder in [output, output + "/data", output + "/removed", work] where fm.fileExists(atPath: folder) {
                try RunFiles.removeTemporaries(in: folder, recursive: folder != output)
            }
        } catch let e as CorpusError {
            throw e
        } catch {
            throw .io(path: output, reason: "\(error)")
        }
    }

    /// Runs every unfinished task of stage `s`, `recipe.workers` at a time.
    func runStage(_ s: Int) throws(CorpusError) {
        let done = (0..<units.count).filter { RunFiles.exists(taskMarker(s, $0)) }
        let todo = (0..<units.count).filter { !done.contains($0) }
        progress.beginStage(s + 1, of: plan.segments.count, tasks: units.count, alreadyDone: done.count)
        guard !todo.isEmpty else { return }
        let decisions: DeduplicationDecisions? = s > 0 ? try loadDecisions(s - 1) : nil
        let queue = TaskQueue(todo)
        let failure = FirstError()
        DispatchQueue.concurrentPerform(iterations: min(recipe.workers, todo.count)) { _ in
            while failure.error == nil, let t = queue.next() {
                do throws(CorpusError) {
                    try runTask(stage: s, task: t, decisions: decisions)
                } catch {
                    failure.set(error)
                }
            }
        }
        if let e = failure.error { throw e }
    }

    func taskMarker(_ s: Int, _ t: Int) -> String { stageFolder(s) + "/" + Self.taskName(t) + ".done" }
}

/// Hands out task numbers to worker threads.
final class TaskQueue: @unchecked Sendable {
    private var items: [Int]
    private var position = 0
    private let lock = NSLock()
    init(_ items: [Int]) { self.items = items }
    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard position < items.count else { return nil }
        position += 1
        return items[position - 1]
    }
}

/// The first error any worker met (the others stop taking tasks).
final class FirstError: @unchecked Sendable {
    private var value: CorpusError?
    private let lock = NSLock()
    var error: CorpusError? { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ e: CorpusError) { lock.lock(); if value == nil { value = e }; lock.unlock() }
}
