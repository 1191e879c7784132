import Architectures
import Autodiff
import Compute
import Foundation
import ModelFiles
import Tokenization

/// A training run: an objective's gradients, global-norm clipping and AdamW under a warmup +
/// cosine schedule; held-out metrics every `evalEvery` steps; metrics as JSON lines and an SVG
/// loss plot in the run folder; atomic checkpoints every `checkpointEvery` steps, from which
/// `resume` continues exactly (same batches, weights and optimizer state: every later step's loss
/// equals the uninterrupted run's).
public final class TrainingRun {
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
    /// What the optimizer updates: every parameter, or only adapters (LoRA).
    public let trainable: ParameterSet
    var objective: any TrainingObjective
    let optimizer: AdamW
    let tape: Tape
    let metrics: MetricsLog
    /// Steps already done (0, or the resumed checkpoint's step).
    public private(set) var completed = 0
    var counted = 0

    /// Prepares the run over `graph`. With `resume`, restores the run folder's latest
    /// checkpoint; without it, a folder that already holds checkpoints is an error.
    public init(config: RunConfig, graph: DecoderGraph, trainable: ParameterSet, objective: any TrainingObjective,
                resume: Bool, pool: ThreadPool = .shared) throws {
        self.config = config
        self.graph = graph
        self.trainable = trainable
        self.objective = objective
        let run = config.output
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        let latest = Checkpoint.latest(run: run)
        if !resume, latest != nil {
            throw TrainingError.badConfig(field: "output", reason: "\(run) already holds checkpoints: pass --resume to continue it, or choose another output folder")
        }
        optimizer = AdamW(trainable, .init(beta1: config.beta1, beta2: config.beta2, weightDecay: config.weightDecay))
        tape = Tape(pool: pool)
        var keep: Int? = 0
        if resume, let latest {
            let state = try Checkpoint.restore(latest, parameters: trainable, optimizer: optimizer)
            try self.objective.restore(cursor: state.cursor)
            completed = state.step
            counted = state.tokens
            keep = state.step
        }
        metrics = try MetricsLog(path: run + "/metrics.jsonl", keepThrough: keep)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(config), to: run + "/config.json")
    }

    /// Runs the remaining steps (or stops once `stopAfter` steps are complete, as a kill would,
    /// without a checkpoint of its own), calling `progress` after each.
    public func run(stopAfter: Int? = nil, progress: (Progress) -> Void = { _ in }) throws {
        let c = config, schedule = c.schedule
        var window: [(Double, Int)] = []  // (seconds, count) of recent steps, for the speed
        for s in completed..<c.steps {
            if let stop = stopAfter, s >= stop { return }
            let t0 = DispatchTime.now().uptimeNanoseconds
            let lr = schedule.rate(at: s)
            graph.dropoutSeed = c.seed &+ UInt64(s)
            trainable.zeroGradients()
            let (loss, count) = try objective.accumulateGradients(graph: graph, tape: tape)
            guard loss.isFinite else {
                throw TrainingError.badData(path: c.data, reason: "loss became \(loss) at step \(s + 1); lower the learning rate")
            }
            let norm = c.gradClip > 0 ? GradientClipping.clip(trainable, maxNorm: c.gradClip) : nil
            optimizer.update(lr: lr, pool: tape.pool)
            counted += count
            completed = s + 1
            window.append((Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9, count))
            if window.count > 20 { window.removeFirst() }
            let seconds = window.reduce(0) { $0 + $1.0 }
            let rate = Double(window.reduce(0) { $0 + $1.1 }) / max(1e-9, seconds)
            var record: MetricsRecord? = nil
            if completed % c.logEvery == 0 || completed == c.steps {
                record = MetricsRecord(step: completed, loss: loss, learningRate: lr, gradientNorm: norm,
                                       tokens: counted, tokensPerSecond: rate)
            }
            var validationLoss: Float?
            if c.evalEvery > 0, completed % c.evalEvery == 0 || completed == c.steps,
               let v = objective.validation(graph: graph, tape: tape) {
                validationLoss = v.loss
                if record == nil { record = MetricsRecord(step: completed) }
                record!.validationLoss = v.loss
                record!.extras = v.extras.isEmpty ? nil : v.extras
            }
            if let record { try metrics.append(record) }
            if c.checkpointEvery > 0, completed % c.checkpointEvery == 0 || completed == c.steps { try checkpoint() }
            progress(Progress(step: completed, steps: c.steps, loss: loss, validationLoss: validationLoss, learningRate: lr,
                              tokensPerSecond: rate, eta: Double(c.steps - completed) * seconds / Double(window.count)))
        }
        try AtomicFile.write(Data(metrics.plot.utf8), to: c.output + "/loss.svg")
    }

    /// Writes a checkpoint of the current step and refreshes the plot.
    func checkpoint() throws {
        try Checkpoint.write(run: config.output, parameters: trainable, optimizer: optimizer,
                             state: .init(step: completed, cursor: try objective.cursor(), tokens: counted, seed: config.seed),
                             keep: config.keepCheckpoints)
        try AtomicFile.write(Data(metrics.plot.utf8), to: config.output + "/loss.svg")
    }

    /// Held-out loss now.
    public func validationLoss() -> Float? { objective.validation(graph: graph, tape: tape)?.loss }
}

extension TrainingRun {
    /// Pretraining on token shards: the model from `config.model` (seeded) or `config.initFrom`
    /// (a GGUF), windows of `context` tokens in a seeded order, the first `evalBatches` batches of
    /// the validation split as held-out data.
    public static func pretraining(config: RunConfig, resume: Bool, pool: ThreadPool = .shared) throws -> TrainingRun {
        try config.validate()
        let train = try TokenShardSet(directory: config.data, split: .train)
        let graph: DecoderGraph
        if let path = config.initFrom {
            graph = try DecoderGraph(gguf: GGUFFile(path: path))
        } else {
            graph = try DecoderGraph(config: config.model.decoderConfig(vocabulary: train.vocabularySize), seed: config.seed)
        }
        guard graph.config.vocabularySize >= train.vocabularySize else {
            throw TrainingError.badData(path: config.data, reason: "tokens up to \(train.vocabularySize) do not fit the model's vocabulary of \(graph.config.vocabularySize)")
        }
        let t = min(config.model.context, graph.config.contextLength)
        let loader = try TokenBatchLoader(tokens: train, batchSize: config.batchSize, sequenceLength: t, order: .shuffled(seed: config.seed))
        var held: [(tokens: [Int32], targets: [Int32])] = []
        if config.evalEvery > 0, let set = try? TokenShardSet(directory: config.data, split: .validation),
           var v = try? TokenBatchLoader(tokens: set, batchSize: config.batchSize, sequenceLength: t, order: .sequential) {
            while held.count < config.evalBatches, let b = v.next(), b.rows == config.batchSize { held.append((b.inputs, b.targets)) }
        }
        let objective = NextTokenObjective(loader: loader, accumulation: config.gradientAccumulation, validation: held)
        return try TrainingRun(config: config, graph: graph, trainable: graph.parameters, objective: objective,
                               resume: resume, pool: pool)
    }
}
