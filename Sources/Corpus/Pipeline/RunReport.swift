import Foundation

/// What a run did, written as `report.json` and `report.html` in the output folder: documents
/// and bytes in and out of every step, removal reasons with examples, histograms.
public struct RunReport: Codable, Sendable {
    /// One step's line of the report.
    public struct Step: Codable, Sendable {
        /// `03_gopher_quality`.
        public var label: String
        public var statistics: StepStatistics
    }

    /// Token shards written by `tokenize`.
    public struct Tokens: Codable, Sendable {
        public var documents: Int
        public var tokens: Int
        public var shards: Int
    }

    public var recipe: String
    public var inputs: [String]
    /// Reading: documents read, bad records by reason, the length histogram of the input.
    public var read: StepStatistics
    public var steps: [Step]
    /// The documents kept at the end, with their length histogram.
    public var output: StepStatistics
    public var tokens: Tokens?
    /// Wall time of this invocation (a resumed run counts only its own part).
    public var seconds: Double = 0

    /// Writes `report.json` and `report.html` into `folder` (atomically).
    public func write(to folder: String) throws(CorpusError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let json: Data
        do { json = try encoder.encode(self) } catch { throw .io(path: folder + "/report.json", reason: "\(error)") }
        try RunFiles.writeAtomically(Array(json), to: folder + "/report.json")
        try RunFiles.writeAtomically(Array(html().utf8), to: folder + "/report.html")
    }
}

extension CorpusRun {
    /// Merges every task's saved statistics in task order.
    func collectReport() throws(CorpusError) -> RunReport {
        var read = StepStatistics(), output = StepStatistics()
        var byLabel = [String: StepStatistics]()
        for s in plan.segments.indices {
            for t in units.indices {
                let summary = try RunFiles.readSummary(taskMarker(s, t))
                if s == 0 { read.merge(summary.read) }
                if s == plan.segments.count - 1 { output.merge(summary.output) }
                for (label, stats) in summary.steps { byLabel[label, default: StepStatistics()].merge(stats) }
            }
        }
        for b in plan.barriers.indices {
            let summary = try RunFiles.readSummary(barrierPaths(b).marker)
            for (label, stats) in summary.steps { byLabel[label, default: StepStatistics()].merge(stats) }
        }
        return RunReport(recipe: recipe.name, inputs: units.map(\.path), read: read,
                         steps: plan.labels.map { RunReport.Step(label: $0, statistics: byLabel[$0] ?? StepStatistics()) },
                         output: output)
    }
}
