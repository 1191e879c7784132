import ArgumentParser
import Architectures
import Compute
import Foundation
import Training

/// `tern train`: pretraining, fine-tuning and alignment of decoder models.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train decoder models (pretrain, SFT, LoRA, DPO) and measure training speed.",
        subcommands: [TrainPretrainCommand.self, TrainSFTCommand.self, TrainLoRACommand.self, TrainDPOCommand.self, TrainBenchCommand.self])
}

/// `tern train bench`: training tokens/s of the reference configuration on random tokens.
struct TrainBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Training tokens/s (forward, backward, clipping, AdamW) of GPT 6L/6H/d384/ctx256/vocab8192, batch 16.")

    @Option(help: "Micro-batch size (sequences).") var batch = 16
    @Option(help: "Warm-up steps (not timed).") var warmup = 3
    @Option(help: "Timed steps; the median is reported.") var steps = 10
    @Option(help: "Threads (default: TERN_THREADS or every core).") var threads: Int?
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let pool = threads.map { ThreadPool(threadCount: $0) } ?? .shared
        let result = try TrainingBenchmark.run(config: TrainingBenchmark.small.config, batch: batch, warmup: warmup,
                                               steps: steps, pool: pool)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(String(format: "GPT-S  %d params  batch %d × %d  threads %d  median step %.3f s  %.1f tokens/s",
                         result.parameters, result.batch, result.context, result.threads, result.medianStepSeconds,
                         result.tokensPerSecond))
        }
    }
}
