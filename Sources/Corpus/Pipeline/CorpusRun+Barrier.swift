import Foundation

extension CorpusRun {
    func barrierPaths(_ b: Int) -> (decisions: String, marker: String) {
        (work + "/b\(b).decisions", work + "/b\(b).done")
    }

    /// Phase 2 of deduplication step `b`: reads every task's keys (task order), decides, and
    /// saves the decisions and the step's statistics.
    func resolveBarrier(_ b: Int) throws(CorpusError) {
        let paths = barrierPaths(b)
        if RunFiles.exists(paths.marker) { return }
        let placed = plan.barriers[b]
        progress.message("\(placed.step.name): clustering")
        var buffers = [[UInt8]]()
        buffers.reserveCapacity(units.count)
        for t in units.indices {
            buffers.append(try RunFiles.readRecords(stageFolder(b) + "/\(Self.taskName(t)).keys", recordSize: placed.step.recordSize).bytes)
        }
        var statistics = StepStatistics()
        let decisions = withPointers(buffers) { placed.step.resolve(records: $0, statistics: &statistics) }
        try RunFiles.writeAtomically(Self.encode(decisions), to: paths.decisions)
        var summary = TaskSummary()
        summary.steps[placed.label] = statistics
        try RunFiles.writeSummary(summary, to: paths.marker)
    }

    func loadDecisions(_ b: Int) throws(CorpusError) -> DeduplicationDecisions {
        let path = barrierPaths(b).decisions
        guard let data = FileManager.default.contents(atPath: path) else { throw .io(path: path, reason: "missing dedup decisions") }
        guard let d = Self.decode([UInt8](data)) else { throw .io(path: path, reason: "corrupt dedup decisions") }
        return d
    }

    /// `TDD1`, task count (u64), per task: count (u64) then that many i64 representatives;
    /// cluster count (u64) then (representative i64, size i64) pairs in increasing order.
    static func encode(_ d: DeduplicationDecisions) -> [UInt8] {
        var out = Array("TDD1".utf8)
        RunFiles.append(UInt64(d.representative.count), to: &out)
        for task in d.representative {
            RunFiles.append(UInt64(task.count), to: &out)
            for r in task { RunFiles.append(r, to: &out) }
        }
        RunFiles.append(UInt64(d.clusterSizes.count), to: &out)
        for (k, v) in d.clusterSizes.sorted(by: { $0.key < $1.key }) {
            RunFiles.append(k, to: &out)
            RunFiles.append(Int64(v), to: &out)
        }
        return out
    }

    static func decode(_ bytes: [UInt8]) -> DeduplicationDecisions? {
        guard bytes.count >= 12, Array(bytes[0..<4]) == Array("TDD1".utf8) else { return nil }
        var p = 4
        func next() -> Int64? {
            guard p + 8 <= bytes.count else { return nil }
            defer { p += 8 }
            return RunFiles.read(Int64.self, bytes, p)
        }
        guard let tasks = next(), tasks >= 0, tasks < 1 << 32 else { return nil }
        var representative = [[Int64]]()
        for _ in 0..<tasks {
            guard let n = next(), n >= 0, p + Int(n) * 8 <= bytes.count else { return nil }
            var list = [Int64]()
            list.reserveCapacity(Int(n))
            for _ in 0..<n { list.append(next()!) }
            representative.append(list)
        }
        guard let clusters = next(), clusters >= 0, p + Int(clusters) * 16 <= bytes.count else { return nil }
        var sizes = [Int64: Int]()
        for _ in 0..<clusters { let k = next()!; sizes[k] = Int(next()!) }
        return DeduplicationDecisions(representative: representative, clusterSizes: sizes)
    }
}

/// Calls `body` with raw pointers to each buffer's bytes, all held in one allocation for the call.
func withPointers<R>(_ buffers: [[UInt8]], _ body: ([UnsafeRawBufferPointer]) -> R) -> R {
    var all = [UInt8]()
    all.reserveCapacity(buffers.reduce(0) { $0 + $1.count })
    var ranges = [Range<Int>]()
    for b in buffers {
        ranges.append(all.count..<(all.count + b.count))
        all += b
    }
    return all.withUnsafeBytes { raw in body(ranges.map { UnsafeRawBufferPointer(rebasing: raw[$0]) }) }
}
