import ArgumentParser
import Compute
import Foundation
import Training

/// Settings every `tern train` run takes: a config file, then flags that override it.
struct TrainOptions: ParsableArguments {
    @Option(help: "Run config (JSON, or YAML when it ends in .yaml/.yml; every field optional).") var config: String?
    @Option(help: "Data: a token-shard folder (pretrain) or a JSONL file (sft, lora, dpo).") var data: String?
    @Option(help: "Run folder (metrics.jsonl, loss.svg, checkpoints/).") var output: String?
    @Option(name: .customLong("model"), help: "Base model (GGUF) to start from.") var initFrom: String?
    @Option(help: "Optimizer steps.") var steps: Int?
    @Option(name: .customLong("batch-size"), help: "Sequences (DPO: pairs) per micro-batch.") var batchSize: Int?
    @Option(name: .customLong("grad-accum"), help: "Micro-batches per step.") var gradientAccumulation: Int?
    @Option(help: "Context length (tokens per sequence).") var context: Int?
    @Option(name: .customLong("lr"), help: "Peak learning rate.") var learningRate: Float?
    @Option(name: .customLong("warmup"), help: "Warmup steps.") var warmupSteps: Int?
    @Option(name: .customLong("eval-every"), help: "Steps between held-out evaluations.") var evalEvery: Int?
    @Option(name: .customLong("checkpoint-every"), help: "Steps between checkpoints.") var checkpointEvery: Int?
    @Option(help: "Seed of init, data order and dropout.") var seed: UInt64?
    @Option(help: "Threads (default: TERN_THREADS or every core).") var threads: Int?
    @Flag(help: "Continue the run folder's latest checkpoint.") var resume = false
    @Flag(help: "No progress bar.") var quiet = false

    /// The config file's settings with the flags applied.
    func settings() throws -> RunConfig {
        var c = try config.map(RunConfig.load) ?? RunConfig()
        if let data { c.data = data }
        if let output { c.output = output }
        if let initFrom { c.initFrom = initFrom }
        if let steps { c.steps = steps }
        if let batchSize { c.batchSize = batchSize }
        if let gradientAccumulation { c.gradientAccumulation = gradientAccumulation }
        if let context { c.model.context = context }
        if let learningRate { c.learningRate = learningRate }
        if let warmupSteps { c.warmupSteps = warmupSteps }
        if let evalEvery { c.evalEvery = evalEvery }
        if let checkpointEvery { c.checkpointEvery = checkpointEvery }
        if let seed { c.seed = seed }
        if let threads { c.threads = threads }
        return c
    }

    func pool(_ c: RunConfig) -> ThreadPool { c.threads.map { ThreadPool(threadCount: $0) } ?? .shared }

    /// Runs to the end with a progress bar, then reports the held-out loss and the run folder.
    func execute(_ run: TrainingRun) throws {
        let c = run.config
        if run.completed > 0 { log("resuming \(c.output) at step \(run.completed)") }
        let total = run.graph.parameters.entries.reduce(0) { $0 + $1.tensor.count }
        log("model \(run.graph.config.architecture): \(total) parameters, training \(run.trainable.trainableCount)"
            + (run.graph.adapters.isEmpty ? "" : " (LoRA adapters on \(run.graph.adapters.count) matrices)"))
        let bar = ProgressBar(enabled: !quiet)
        try run.run { p in bar.update(p) }
        bar.finish()
        if let v = run.validationLoss() { log(String(format: "held-out loss %.4f", v)) }
        log("run folder: \(c.output) (metrics.jsonl, loss.svg, checkpoints/)")
    }
}

func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

/// One line on stderr, redrawn: step/total, a bar, loss, held-out loss, tokens/s, ETA.
final class ProgressBar {
    let enabled: Bool
    let isTerminal = isatty(2) != 0
    var lastDraw = 0.0
    init(enabled: Bool) { self.enabled = enabled }

    func update(_ p: TrainingRun.Progress) {
        guard enabled else { return }
        let now = Date().timeIntervalSince1970
        // A terminal redraws at most 10×/s; a log file gets a line per 10 % and at the end.
        if isTerminal ? now - lastDraw < 0.1 && p.step < p.steps : p.step % max(1, p.steps / 10) != 0 && p.step < p.steps { return }
        lastDraw = now
        let width = 24, filled = width * p.step / max(1, p.steps)
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        var line = String(format: "step %d/%d %@ loss %.4f", p.step, p.steps, bar, p.loss)
        if let v = p.validationLoss { line += String(format: " val %.4f", v) }
        line += String(format: " lr %.2e %.0f tok/s ETA %@", p.learningRate, p.tokensPerSecond, Self.duration(p.eta))
        FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[K" + line : line + "\n").utf8))
    }

    func finish() { if enabled && isTerminal { FileHandle.standardError.write(Data("\n".utf8)) } }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%dh%02dm", t / 3600, t / 60 % 60) : String(format: "%dm%02ds", t / 60, t % 60)
    }
}
