import Architectures
import Autodiff
import Compute
import Foundation
import Tokenization

/// A pretraining run (`tern train pretrain`): next-token prediction on token shards with AdamW,
/// warmup + cosine, clipping, gradient accumulation; validation loss every `evalEvery` steps;
/// metrics as JSON lines and an SVG loss plot in the run folder; atomic checkpoints every
/// `checkpointEvery` steps from which `resume` continues exactly (same batches, same weights,
/// same optimizer state: the loss of every later step equals the uninterrupted run's).
public final class Pretraining {
    /// What a step reports to a progress display.
    public struct Progress: Sendable {
        public var step: Int
        public var steps: Int
        public var loss: Float
        public var validationLoss: Float?
        public var learningRate: Float
        public var tokensPerSecond: Double
        /// Seconds left at the current speed.
        public var eta: Double
    }

    public let config: RunConfig
    public let graph: DecoderGraph
    let optimizer: AdamW
    let step: TrainingStep
    var loader: TokenBatchLoader
    let validation: [(tokens: [Int32], targets: [Int32])]
    let metrics: MetricsLog
    /// Steps already done (0, or the resumed checkpoint's step).
    public private(set) var completed = 0
    var tokensSeen = 0

    /// Prepares the run: the model (seeded init, or `initFrom`), data, optimizer; with `resume`,
    /// restores the run folder's latest checkpoint. Without it, a folder that already holds
    /// checkpoints is an error (nothing is overwritten by accident).
    public init(config: RunConfig, resume: Bool, pool: ThreadPool = .shared) throws {
        try config.validate()
        self.config = config
        let run = config.output
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        let latest = Checkpoint.latest(run: run)
        if !resume, latest != nil {
            throw TrainingError.badConfig(field: "output", reason: "\(run) already holds checkpoints: pass --resume to continue it, or choose another output folder")
        }
        let train = try TokenShardSet(directory: config.data, split: .train)
        let t = config.model.context
        if let path = config.initFrom {
            graph = try DecoderGraph(gguf: ModelFiles.GGUFFile(path: path))
        } else {
            graph = try DecoderGraph(config: config.model.decoderConfig(vocabulary: train.vocabularySize), seed: config.seed)
        }
        guard graph.config.vocabularySize >= train.vocabularySize else {
            throw TrainingError.badData(path: config.data, reason: "tokens up to \(train.vocabularySize) do not fit the model's vocabulary of \(graph.config.vocabularySize)")
        }
        optimizer = AdamW(graph.parameters, .init(beta1: config.beta1, beta2: config.beta2, weightDecay: config.weightDecay))
        step = TrainingStep(graph: graph, optimizer: optimizer, tape: Tape(pool: pool),
                            clipNorm: config.gradClip > 0 ? config.gradClip : nil)
        loader = try TokenBatchLoader(tokens: train, batchSize: config.batchSize, sequenceLength: t, order: .shuffled(seed: config.seed))
        validation = try Self.validationBatches(config)
        var keep: Int? = 0
        if resume, let latest {
            let state = try Checkpoint.restore(latest, parameters: graph.parameters, optimizer: optimizer)
            try loader.restore(JSONDecoder().decode(TokenBatchLoader.Cursor.self, from: state.cursor))
            completed = state.step
            tokensSeen = state.tokens
            keep = state.step
        }
        metrics = try MetricsLog(path: run + "/metrics.jsonl", keepThrough: keep)
        try Self.saveConfig(config, run: run)
    }

    /// The first `evalBatches` batches of the validation split, in order (the same every evaluation).
    static func validationBatches(_ config: RunConfig) throws -> [(tokens: [Int32], targets: [Int32])] {
        guard config.evalEvery > 0, let set = try? TokenShardSet(directory: config.data, split: .validation) else { return [] }
        var loader = try TokenBatchLoader(tokens: set, batchSize: config.batchSize, sequenceLength: config.model.context, order: .sequential)
        var out: [(tokens: [Int32], targets: [Int32])] = []
        while out.count < config.evalBatches, let b = loader.next(), b.rows == config.batchSize { out.append((b.inputs, b.targets)) }
        return out
    }

    static func saveConfig(_ config: RunConfig, run: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(config), to: run + "/config.json")
    }

    /// Runs the remaining steps (or stops once `stopAfter` steps are complete, as a kill would,
    /// without a checkpoint of its own), calling `progress` after each.
    public func run(stopAfter: Int? = nil, progress: (Progress) -> Void = { _ in }) throws {
        let c = config, schedule = c.schedule
        var window: [(Double, Int)] = []  // (seconds, tokens) of recent steps, for tokens/s
        for s in completed..<c.steps {
            if let stop = stopAfter, s >= stop { return }
            let t0 = DispatchTime.now().uptimeNanoseconds
            var batches: [(tokens: [Int32], targets: [Int32])] = []
            for _ in 0..<c.gradientAccumulation {
                guard let b = loader.next() else { throw TrainingError.badData(path: c.data, reason: "the loader ran dry") }
                batches.append((b.inputs, b.targets))
            }
            let lr = schedule.rate(at: s)
            graph.dropoutSeed = c.seed &+ UInt64(s)
            let result = step.run(batches, batch: c.batchSize, lr: lr)
            guard result.loss.isFinite else {
                throw TrainingError.badData(path: c.data, reason: "loss became \(result.loss) at step \(s + 1); lower the learning rate")
            }
            tokensSeen += result.tokens
            completed = s + 1
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            window.append((seconds, result.tokens))
            if window.count > 20 { window.removeFirst() }
            let rate = Double(window.reduce(0) { $0 + $1.1 }) / max(1e-9, window.reduce(0) { $0 + $1.0 })
            var record: MetricsRecord? = nil
            if completed % c.logEvery == 0 || completed == c.steps {
                record = MetricsRecord(step: completed, loss: result.loss, learningRate: lr, gradientNorm: result.gradientNorm,
                                       tokens: tokensSeen, tokensPerSecond: rate)
            }
            var validationLoss: Float?
            if !validation.isEmpty, completed % c.evalEvery == 0 || completed == c.steps {
                validationLoss = step.evaluate(validation, batch: c.batchSize)
                if record == nil { record = MetricsRecord(step: completed) }
                record!.validationLoss = validationLoss
            }
            if let record { try metrics.append(record) }
            if c.checkpointEvery > 0, completed % c.checkpointEvery == 0 || completed == c.steps {
                try checkpoint()
            }
            let eta = Double(c.steps - completed) * (window.reduce(0) { $0 + $1.0 } / Double(window.count))
            progress(Progress(step: completed, steps: c.steps, loss: result.loss, validationLoss: validationLoss,
                              learningRate: lr, tokensPerSecond: rate, eta: eta))
        }
        try AtomicFile.write(Data(metrics.plot.utf8), to: c.output + "/loss.svg")
    }

    /// Writes a checkpoint of the current step and refreshes the plot.
    func checkpoint() throws {
        let cursor = try JSONEncoder().encode(loader.cursor)
        try Checkpoint.write(run: config.output, parameters: graph.parameters, optimizer: optimizer,
                             state: .init(step: completed, cursor: cursor, tokens: tokensSeen, seed: config.seed),
                             keep: config.keepCheckpoints)
        try AtomicFile.write(Data(metrics.plot.utf8), to: config.output + "/loss.svg")
    }

    /// Mean loss of the validation batches now.
    public func validationLoss() -> Float? { validation.isEmpty ? nil : step.evaluate(validation, batch: config.batchSize) }
}

import ModelFiles
