import Architectures
import ArgumentParser
import Compute
import Foundation

/// `tern bench embed`: sentence-embedding throughput at batch 1 and batch 32 (as
/// sentence-transformers' `encode(batch_size=…)`), median of repeats.
struct EmbedBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed", abstract: "Sentence-embedding throughput (embeddings/s) at batch 1 and 32.")

    @Option(help: "A JSON list of sentences (e.g. Tests/Fixtures/embeddings/bench_sentences.json).")
    var sentences: String

    @Option(help: "A sentence-transformers model folder (default: the installed all-MiniLM-L6-v2).")
    var model: String?

    @Option(help: "Threads.")
    var threads = 2

    @Option(help: "Timed repeats per batch size.")
    var repeats = 3

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        guard let data = FileManager.default.contents(atPath: sentences),
              let texts = try JSONSerialization.jsonObject(with: data) as? [String], !texts.isEmpty else {
            throw ValidationError("\(sentences): expected a JSON list of strings")
        }
        let embedder = try model.map { (folder) throws(BERTError) in try SentenceEmbedder.load(folder: folder) } ?? SentenceEmbedder.locate()
        let pool = ThreadPool(threadCount: max(1, threads))
        _ = embedder.embed(Array(texts.prefix(32)), pool: pool)  // warm-up
        var results = [String: Double]()
        for batch in [1, 32] {
            var times = [Double]()
            for _ in 0..<max(1, repeats) {
                let start = Date()
                var i = 0
                while i < texts.count {
                    _ = embedder.embed(Array(texts[i..<min(i + batch, texts.count)]), pool: pool)
                    i += batch
                }
                times.append(Date().timeIntervalSince(start))
            }
            results["batch\(batch)"] = Double(texts.count) / times.sorted()[times.count / 2]
        }
        if json {
            print(#"{"sentences":\#(texts.count),"threads":\#(threads),"batch1_per_s":\#(results["batch1"]!),"batch32_per_s":\#(results["batch32"]!)}"#)
        } else {
            print(String(format: "%d sentences, %d threads: batch 1 %.1f embeddings/s, batch 32 %.1f embeddings/s",
                         texts.count, threads, results["batch1"]!, results["batch32"]!))
        }
    }
}
