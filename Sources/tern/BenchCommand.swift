import ArgumentParser
import Foundation
import Generation

/// `tern bench`: throughput measurements; a model's prefill and decode unless a subcommand says otherwise.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput: a model's prefill and decode (default), the training GEMMs, sentence embeddings, HNSW or BM25 search.",
        subcommands: [ModelBenchCommand.self, GEMMBenchCommand.self, EmbedBenchCommand.self, BM25BenchCommand.self, StoreBenchCommand.self,
                      HNSWBenchCommand.self],
        defaultSubcommand: ModelBenchCommand.self)
}

/// `tern bench [model]`: prefill and decode tokens per second of one model.
struct ModelBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Measure prefill (pp) and decode (tg) tokens per second, like llama-bench.")

    @OptionGroup var modelOptions: ModelOptions
    @Option(name: .customLong("prompt-tokens"), help: "Prompt tokens for the prefill test (pp).") var promptTokens = 512
    @Option(name: .customLong("gen-tokens"), help: "Tokens for the decode test (tg).") var genTokens = 128
    @Option(help: "Repetitions; the median is reported.") var repetitions = 3
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let lm = try modelOptions.load()
        let result = try ThroughputBenchmark.run(lm.model, promptTokens: promptTokens, generatedTokens: genTokens,
                                                 repetitions: repetitions, pool: modelOptions.pool)
        if json {
            print(try encodeJSON(result))
        } else {
            print(String(format: "%@  threads %d  pp%d %.1f tok/s  tg%d %.1f tok/s", URL(fileURLWithPath: lm.path).lastPathComponent,
                         result.threads, promptTokens, result.prefillTokensPerSecond, genTokens, result.decodeTokensPerSecond))
        }
    }
}
