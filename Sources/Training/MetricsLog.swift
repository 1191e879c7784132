import Foundation

/// One line of a run's `metrics.jsonl`.
public struct MetricsRecord: Codable, Sendable, Equatable {
    public var step: Int
    /// Mean training loss of the step (nil on evaluation-only lines).
    public var loss: Float?
    public var validationLoss: Float?
    public var learningRate: Float?
    public var gradientNorm: Float?
    /// Tokens that counted toward the loss since the start of the run.
    public var tokens: Int?
    public var tokensPerSecond: Double?
    /// Held-out metrics of the objective besides the loss (DPO: `margin`, `accuracy`).
    public var extras: [String: Float]?
    public init(step: Int, loss: Float? = nil, validationLoss: Float? = nil, learningRate: Float? = nil,
                gradientNorm: Float? = nil, tokens: Int? = nil, tokensPerSecond: Double? = nil) {
        self.step = step; self.loss = loss; self.validationLoss = validationLoss; self.learningRate = learningRate
        self.gradientNorm = gradientNorm; self.tokens = tokens; self.tokensPerSecond = tokensPerSecond
    }
}

/// The run's metrics as JSON lines, appended step by step. On resume from a checkpoint at step s,
/// lines after s are dropped (the steps will run again), so the file never holds a step twice.
public final class MetricsLog {
    public let path: String
    public private(set) var records: [MetricsRecord] = []
    private var handle: FileHandle?

    /// Opens (or creates) the log, keeping only records with step ≤ `keepThrough` when given.
    public init(path: String, keepThrough: Int? = nil) throws {
        self.path = path
        if FileManager.default.fileExists(atPath: path) {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let decoder = JSONDecoder()
            for line in text.split(separator: "\n") where !line.isEmpty {
                // A line cut by a kill mid-write is the last one: it is dropped.
                guard let r = try? decoder.decode(MetricsRecord.self, from: Data(line.utf8)) else { continue }
                if let keep = keepThrough, r.step > keep { continue }
                records.append(r)
            }
        }
        try rewrite()
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle?.seekToEnd()
    }

    deinit { try? handle?.close() }

    public func append(_ record: MetricsRecord) throws {
        records.append(record)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var line = try encoder.encode(record)
        line.append(UInt8(ascii: "\n"))
        try handle?.write(contentsOf: line)
    }

    /// Writes the kept records to a temporary file and renames it over the log.
    private func rewrite() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = Data()
        for r in records { data.append(try encoder.encode(r)); data.append(UInt8(ascii: "\n")) }
        try AtomicFile.write(data, to: path)
    }

    /// The loss curves of the records.
    public var plot: String {
        LossPlot.svg([
            .init(name: "train", color: "#1f77b4", points: records.compactMap { r in r.loss.map { (r.step, $0) } }),
            .init(name: "validation", color: "#d62728", points: records.compactMap { r in r.validationLoss.map { (r.step, $0) } }),
        ], title: "loss")
    }
}

/// Whole-file writes that a kill never leaves half done: a temporary file in the same directory,
/// flushed to disk, then renamed over the destination.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        guard FileManager.default.createFile(atPath: temp.path, contents: data) else {
            throw TrainingError.io(path: temp.path, reason: "cannot create file")
        }
        let fd = open(temp.path, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
        guard rename(temp.path, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp.path)
            throw TrainingError.io(path: path, reason: "rename failed: \(reason)")
        }
    }
}
