import Foundation
import ModelFiles

/// What a finished task saves beside its marker: its statistics per step.
struct TaskSummary: Codable {
    /// Reading the input (bad records as reasons) — stage 0 only.
    var read = StepStatistics()
    /// By step label.
    var steps: [String: StepStatistics] = [:]
    /// The documents the task kept (last stage only): counts and the length histogram.
    var output = StepStatistics()
}

extension CorpusRun {
    /// Runs task `t` of stage `s`: reads its documents, applies the previous barrier's decisions
    /// and the segment's steps, writes kept and removed documents and the next barrier's keys,
    /// then marks the task done.
    func runTask(stage s: Int, task t: Int, decisions: DeduplicationDecisions?) throws(CorpusError) {
        let name = Self.taskName(t)
        let last = s == plan.segments.count - 1
        var source = s == 0 ? try files.openInput(units[t]) : try files.openStageFile(stageFolder(s - 1) + "/\(name).jsonl")
        var kept = try files.makeSink(last ? output + "/data/\(name)\(extensionForCompression)" : stageFolder(s) + "/\(name).jsonl",
                                      last ? recipe.compression : "none")
        var removed = [String: any DocumentSink]()
        let segment = plan.segments[s]
        let barrierIn = s > 0 ? plan.barriers[s - 1] : nil
        let barrierOut = s < plan.barriers.count ? plan.barriers[s] : nil
        let memo = TextMemo()
        var scratches = segment.map { _ in StepScratch(memo: memo) }
        var summary = TaskSummary()
        var barrierStats = StepStatistics()
        var records = [UInt8]()
        var barrierScratch = StepScratch(memo: memo)
        var index = 0
        let base = decisions.map { d in d.representative[..<t].reduce(Int64(0)) { $0 + Int64($1.count) } } ?? 0
        do throws(CorpusError) {
            documents: while let item = try source.next() {
                let document: Document
                switch item {
                case .bad(let error):
                    if recipe.onError == .fail { throw error }
                    summary.read.recordDrop(reason: Self.category(of: error), document: Document(id: Self.location(of: error), text: error.description))
                    progress.badRecord(error)
                    continue documents
                case .document(let d): document = d
                }
                var doc = document
                let bytes = doc.text.utf8.count
                progress.documentRead(bytes: bytes)
                if s == 0 {
                    summary.read.documentsOut += 1
                    summary.read.bytesOut += bytes
                    summary.read.observe("length_chars", Double(doc.text.count), range: 0...1_000_000, bins: 24, logarithmic: true)
                }
                if let barrierIn, let decisions {
                    let verdict = Self.apply(decisions, task: t, index: index, base: base, to: &doc, step: barrierIn.step)
                    index += 1
                    if case .drop(let reason) = verdict {
                        barrierStats.documentsIn += 1
                        barrierStats.bytesIn += bytes
                        barrierStats.recordDrop(reason: reason, document: doc)
                        try writeRemoved(doc, reason: reason, label: barrierIn.label, task: name, sinks: &removed)
                        continue documents
                    }
                    barrierStats.count(kept: doc)
                }
                for k in segment.indices {
                    let before = doc.text.utf8.count
                    scratches[k].statistics.documentsIn += 1
                    scratches[k].statistics.bytesIn += before
                    if case .drop(let reason) = segment[k].step.process(&doc, &scratches[k]) {
                        scratches[k].statistics.recordDrop(reason: reason, document: doc)
                        try writeRemoved(doc, reason: reason, label: segment[k].label, task: name, sinks: &removed)
                        continue documents
                    }
                    scratches[k].statistics.documentsOut += 1
                    scratches[k].statistics.bytesOut += doc.text.utf8.count
                }
                if let barrierOut {
                    let start = records.count
                    records.append(contentsOf: repeatElement(0, count: barrierOut.step.recordSize))
                    records.withUnsafeMutableBytes { raw in
                        barrierOut.step.record(doc, into: UnsafeMutableRawBufferPointer(rebasing: raw[start...]), &barrierScratch)
                    }
                }
                try kept.write(doc)
                if last {
                    summary.output.count(kept: doc)
                    summary.output.observe("length_chars", Double(doc.text.count), range: 0...1_000_000, bins: 24, logarithmic: true)
                }
            }
            try kept.finish()
            for key in removed.keys.sorted() { try removed[key]!.finish() }
            if let barrierOut {
                try RunFiles.writeRecords(records, recordSize: barrierOut.step.recordSize, to: stageFolder(s) + "/\(name).keys")
            }
        } catch {
            kept.discard()
            for key in removed.keys { removed[key]!.discard() }
            throw error
        }
        for (k, placed) in segment.enumerated() { summary.steps[placed.label] = scratches[k].statistics }
        if let barrierIn { summary.steps[barrierIn.label] = barrierStats }
        try RunFiles.writeSummary(summary, to: taskMarker(s, t))
        progress.taskDone()
    }
}

extension CorpusRun {
    /// Applies a deduplication decision to document `index` of task `t`: drops it when its
    /// cluster is represented by another document, and notes the cluster in the metadata (as
    /// `DuplicateFilter` does: `<prefix>_cluster_id` = the kept document's number, `_cluster_size`).
    static func apply(_ decisions: DeduplicationDecisions, task t: Int, index: Int, base: Int64,
                      to doc: inout Document, step: any DeduplicationStep) -> FilterVerdict {
        guard t < decisions.representative.count, index < decisions.representative[t].count else { return .keep }
        let representative = decisions.representative[t][index]
        guard representative >= 0 else { return .keep }
        let size = decisions.clusterSizes[representative] ?? 2
        doc[metadata: step.metadataPrefix + "_cluster_id"] = .number(Double(representative), integer: Int(representative))
        doc[metadata: step.metadataPrefix + "_cluster_size"] = .number(Double(size), integer: size)
        return representative == base + Int64(index) ? .keep : .drop(reason: step.duplicateReason)
    }

    /// Writes a removed document to its step's exclusion file with the reason in the metadata.
    func writeRemoved(_ document: Document, reason: String, label: String, task: String,
                      sinks: inout [String: any DocumentSink]) throws(CorpusError) {
        if sinks[label] == nil {
            sinks[label] = try files.makeSink(output + "/removed/\(label)/\(task)\(extensionForCompression)", recipe.compression)
        }
        var doc = document
        doc[metadata: "filter_reason"] = .string(reason)
        try sinks[label]!.write(doc)
    }

    /// A bad record's reason without its specifics (for counting): the text before any colon.
    static func category(of error: CorpusError) -> String {
        if case .input(_, _, let reason) = error {
            return String(reason.prefix { $0 != ":" && $0 != "(" }).trimmingCharacters(in: .whitespaces)
        }
        return "\(error)"
    }

    static func location(of error: CorpusError) -> String {
        if case .input(let file, let line, _) = error { return "\(file):\(line)" }
        return ""
    }
}

extension StepStatistics {
    /// Counts a document that passed unchanged.
    mutating func count(kept document: Document) {
        let bytes = document.text.utf8.count
        documentsIn += 1
        documentsOut += 1
        bytesIn += bytes
        bytesOut += bytes
    }
}
