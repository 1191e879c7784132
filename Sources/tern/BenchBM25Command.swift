import ArgumentParser
import Corpus
import Foundation
import ModelFiles
import Retrieval

/// `tern bench bm25`: BM25 index build time and single-thread query throughput, side by side
/// with bm25s (bench/bm25_vs_bm25s.py runs both on the same corpus and queries).
struct BM25BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bm25", abstract: "BM25 index build seconds and single-thread queries per second.")

    @Option(help: "Documents: JSONL, one {\"text\": …} per line; ids count the non-blank lines from 0.")
    var corpus: String

    @Option(help: "Queries: JSONL, one {\"text\": …} (or {\"query\": …}) per line.")
    var queries: String

    @Option(help: "Documents returned per query.")
    var k = 10

    @Flag(help: "Stem English terms (Snowball Porter2), as bm25s with PyStemmer's English stemmer.")
    var stem = false

    @Option(help: "Timed passes over the queries; the fastest is reported.")
    var repeats = 1

    @Option(name: .customLong("ids-out"), help: "Write each query's top-k as a JSONL line {\"ids\": […], \"scores\": […]}.")
    var idsOut: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let documents = try JSONLReader.records(path: corpus).map(\.text)
        let queryTexts = try JSONLReader.records(path: queries).map(\.text)
        var analyzer = BM25Analyzer()
        analyzer.stemmer = stem ? .english : .none
        let buildStart = Date(), buildCPU = Self.cpuSeconds()
        var index = BM25Index(analyzer: analyzer)
        for d in documents { index.add(d) }
        let buildSeconds = Date().timeIntervalSince(buildStart), buildCPUSeconds = Self.cpuSeconds() - buildCPU
        var best = Double.infinity, bestCPU = Double.infinity
        var results = [[(document: Int, score: Double)]]()
        for _ in 0..<max(1, repeats) {
            let start = Date(), cpu = Self.cpuSeconds()
            results = queryTexts.map { index.search($0, k: k) }
            best = min(best, Date().timeIntervalSince(start))
            bestCPU = min(bestCPU, Self.cpuSeconds() - cpu)
        }
        if let idsOut {
            let lines = results.map { top in
                #"{"ids":["# + top.map { String($0.document) }.joined(separator: ",") + #"],"scores":["#
                    + top.map { String($0.score) }.joined(separator: ",") + "]}\n"
            }.joined()
            try writeFileAtomically(path: idsOut, bytes: Array(lines.utf8))
        }
        let qps = Double(queryTexts.count) / max(best, 1e-9)
        if json {
            print(#"{"documents":\#(index.count),"vocabulary":\#(index.vocabularySize),"postings":\#(index.postingCount),"queries":\#(queryTexts.count),"k":\#(k),"stem":\#(stem),"build_seconds":\#(buildSeconds),"build_cpu_seconds":\#(buildCPUSeconds),"query_seconds":\#(best),"query_cpu_seconds":\#(bestCPU),"qps":\#(qps),"qps_cpu":\#(Double(queryTexts.count) / max(bestCPU, 1e-9)),"threads":1}"#)
        } else {
            print(String(format: "%d documents (%d terms, %d postings): build %.2f s; %d queries, k %d: %.1f queries/s (1 thread)",
                         index.count, index.vocabularySize, index.postingCount, buildSeconds, queryTexts.count, k, qps))
        }
    }

    /// CPU seconds this process has used (user + system), to read timings on a busy machine.
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
