import Architectures
import Autodiff
import Foundation
import Yams

/// A training run's settings (`run.yaml` or `run.json`), every field optional in the file with the default
/// shown; command-line flags override the file. Defaults follow nanoGPT's small-model recipe.
public struct RunConfig: Codable, Sendable, Equatable {
    /// The model to build when not starting from `initFrom`.
    public struct Model: Codable, Sendable, Equatable {
        /// `gpt2` (LayerNorm, learned positions, GELU MLP) or `llama` (RMSNorm, RoPE, SwiGLU, GQA).
        public var architecture = "llama"
        public var layers = 6
        public var heads = 6
        /// KV heads (llama only; default: heads).
        public var kvHeads: Int?
        public var width = 384
        /// FFN width (default: 4·width for gpt2, 8/3·width rounded up to 64 for llama).
        public var feedForward: Int?
        /// Context length (tokens per training sequence).
        public var context = 256
        /// Vocabulary (default: the data's tokenizer vocabulary).
        public var vocabulary: Int?
        public var ropeBase: Float = 10_000
        public var tiedEmbeddings = true
        public init() {}

        /// The decoder configuration, with `vocabulary` when the file gives none.
        public func decoderConfig(vocabulary fallback: Int) throws -> DecoderConfig {
            let vocab = vocabulary ?? fallback
            guard layers > 0, heads > 0, width > 0, width % heads == 0, context > 1, vocab > 0 else {
                throw TrainingError.badConfig(field: "model", reason: "layers, heads, width, context must be positive and width a multiple of heads")
            }
            switch architecture {
            case "gpt2":
                return .gpt2(vocabulary: vocab, context: context, layers: layers, heads: heads, width: width, feedForward: feedForward)
            case "llama":
                let ff = feedForward ?? ((8 * width / 3 + 63) / 64 * 64)
                guard heads % (kvHeads ?? heads) == 0 else {
                    throw TrainingError.badConfig(field: "model.kvHeads", reason: "\(kvHeads!) does not divide \(heads) heads")
                }
                return .llama(vocabulary: vocab, context: context, layers: layers, heads: heads, kvHeads: kvHeads, width: width,
                              feedForward: ff, ropeBase: ropeBase, tiedEmbeddings: tiedEmbeddings)
            default:
                throw TrainingError.badConfig(field: "model.architecture", reason: "'\(architecture)' (use gpt2 or llama)")
            }
        }

        enum CodingKeys: String, CodingKey {
            case architecture, layers, heads, kvHeads, width, feedForward, context, vocabulary, ropeBase, tiedEmbeddings
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Model()
            architecture = try c.decodeIfPresent(String.self, forKey: .architecture) ?? d.architecture
            layers = try c.decodeIfPresent(Int.self, forKey: .layers) ?? d.layers
            heads = try c.decodeIfPresent(Int.self, forKey: .heads) ?? d.heads
            kvHeads = try c.decodeIfPresent(Int.self, forKey: .kvHeads)
            width = try c.decodeIfPresent(Int.self, forKey: .width) ?? d.width
            feedForward = try c.decodeIfPresent(Int.self, forKey: .feedForward)
            context = try c.decodeIfPresent(Int.self, forKey: .context) ?? d.context
            vocabulary = try c.decodeIfPresent(Int.self, forKey: .vocabulary)
            ropeBase = try c.decodeIfPresent(Float.self, forKey: .ropeBase) ?? d.ropeBase
            tiedEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tiedEmbeddings) ?? d.tiedEmbeddings
        }
    }

    public var model = Model()
    /// Fine-tuning data options (SFT, LoRA, DPO).
    public var fineTune = FineTune()
    /// LoRA adapters: when set, only they train (`tern train lora`).
    public var lora: LoRA?
    /// DPO's β: how far the policy may move from the reference (TRL's default 0.1).
    public var dpoBeta: Float = 0.1

    public struct FineTune: Codable, Sendable, Equatable {
        /// Pack examples into full context windows instead of one padded example per row.
        public var packed = false
        /// Every k-th example is held out, k = round(1 / fraction) (0: none).
        public var validationFraction: Float = 0.1
        /// A Jinja chat template file (default: the base model's `tokenizer.chat_template`).
        public var chatTemplate: String?
        public init() {}
        enum CodingKeys: String, CodingKey { case packed, validationFraction, chatTemplate }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            packed = try c.decodeIfPresent(Bool.self, forKey: .packed) ?? false
            validationFraction = try c.decodeIfPresent(Float.self, forKey: .validationFraction) ?? 0.1
            chatTemplate = try c.decodeIfPresent(String.self, forKey: .chatTemplate)
        }
    }

    public struct LoRA: Codable, Sendable, Equatable {
        public var rank = 8
        public var alpha: Float = 16
        public var dropout: Float = 0.05
        /// Module names (`q_proj`, `v_proj`, … or GGUF's `attn_q`, …).
        public var targets = ["q_proj", "v_proj"]
        public init() {}
        enum CodingKeys: String, CodingKey { case rank, alpha, dropout, targets }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = LoRA()
            rank = try c.decodeIfPresent(Int.self, forKey: .rank) ?? d.rank
            alpha = try c.decodeIfPresent(Float.self, forKey: .alpha) ?? d.alpha
            dropout = try c.decodeIfPresent(Float.self, forKey: .dropout) ?? d.dropout
            targets = try c.decodeIfPresent([String].self, forKey: .targets) ?? d.targets
        }
    }
    /// A GGUF model to start from instead of a random init (its architecture wins over `model`).
    public var initFrom: String?
    /// Folder of token shards for training (`tern data tokenize` output).
    public var data = ""
    /// Run folder: metrics, plot, checkpoints.
    public var output = "runs/run"
    /// Sequences per micro-batch.
    public var batchSize = 16
    /// Micro-batches per optimizer step.
    public var gradientAccumulation = 1
    /// Optimizer steps in total.
    public var steps = 1000
    /// Peak learning rate (nanoGPT small models: 6e-4 … 1e-3).
    public var learningRate: Float = 6e-4
    /// Final learning rate of the cosine (default: learningRate / 10).
    public var minLearningRate: Float?
    /// Linear warmup steps.
    public var warmupSteps = 100
    public var weightDecay: Float = 0.1
    public var beta1: Float = 0.9
    /// 0.95: language models' usual choice, steadier than 0.999 with small batches.
    public var beta2: Float = 0.95
    /// Global gradient-norm clip (0: none).
    public var gradClip: Float = 1
    /// Steps between validation evaluations (0: never) and batches per evaluation.
    public var evalEvery = 100
    public var evalBatches = 8
    /// Steps between checkpoints, and how many to keep (older ones are deleted).
    public var checkpointEvery = 100
    public var keepCheckpoints = 2
    /// Steps between metrics lines.
    public var logEvery = 10
    /// Seed of the initialisation, the data order and dropout.
    public var seed: UInt64 = 1337
    /// Threads (default: TERN_THREADS or every core).
    public var threads: Int?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case model, fineTune, lora, dpoBeta, initFrom, data, output, batchSize, gradientAccumulation, steps, learningRate, minLearningRate,
             warmupSteps, weightDecay, beta1, beta2, gradClip, evalEvery, evalBatches, checkpointEvery, keepCheckpoints,
             logEvery, seed, threads
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RunConfig()
        func v<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T { try c.decodeIfPresent(T.self, forKey: key) ?? fallback }
        model = try v(.model, d.model)
        fineTune = try v(.fineTune, d.fineTune)
        lora = try c.decodeIfPresent(LoRA.self, forKey: .lora)
        dpoBeta = try v(.dpoBeta, d.dpoBeta)
        initFrom = try c.decodeIfPresent(String.self, forKey: .initFrom)
        data = try v(.data, d.data); output = try v(.output, d.output)
        batchSize = try v(.batchSize, d.batchSize); gradientAccumulation = try v(.gradientAccumulation, d.gradientAccumulation)
        steps = try v(.steps, d.steps); learningRate = try v(.learningRate, d.learningRate)
        minLearningRate = try c.decodeIfPresent(Float.self, forKey: .minLearningRate)
        warmupSteps = try v(.warmupSteps, d.warmupSteps); weightDecay = try v(.weightDecay, d.weightDecay)
        beta1 = try v(.beta1, d.beta1); beta2 = try v(.beta2, d.beta2); gradClip = try v(.gradClip, d.gradClip)
        evalEvery = try v(.evalEvery, d.evalEvery); evalBatches = try v(.evalBatches, d.evalBatches)
        checkpointEvery = try v(.checkpointEvery, d.checkpointEvery); keepCheckpoints = try v(.keepCheckpoints, d.keepCheckpoints)
        logEvery = try v(.logEvery, d.logEvery); seed = try v(.seed, d.seed)
        threads = try c.decodeIfPresent(Int.self, forKey: .threads)
    }

    /// Reads a config file — YAML when it ends in `.yaml`/`.yml`, else JSON — naming the file and
    /// the field on errors.
    public static func load(_ path: String) throws -> RunConfig {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw TrainingError.io(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        do {
            if path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
                return try YAMLDecoder().decode(RunConfig.self, from: String(decoding: data, as: UTF8.self))
            }
            return try JSONDecoder().decode(RunConfig.self, from: data)
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.dataCorrupted(ctx), let DecodingError.valueNotFound(_, ctx) {
            let field = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            throw TrainingError.badConfig(field: field.isEmpty ? path : field, reason: ctx.debugDescription)
        } catch let e as YamlError {
            throw TrainingError.badConfig(field: path, reason: "\(e)")
        }
    }

    /// Checks values that would fail later or silently misbehave.
    public func validate() throws {
        func require(_ ok: Bool, _ field: String, _ reason: String) throws {
            if !ok { throw TrainingError.badConfig(field: field, reason: reason) }
        }
        try require(batchSize > 0, "batchSize", "must be positive")
        try require(gradientAccumulation > 0, "gradientAccumulation", "must be positive")
        try require(steps > 0, "steps", "must be positive")
        try require(learningRate > 0 && learningRate.isFinite, "learningRate", "must be a positive number")
        try require(warmupSteps >= 0, "warmupSteps", "must not be negative")
        try require(checkpointEvery >= 0 && evalEvery >= 0 && logEvery > 0, "checkpointEvery/evalEvery/logEvery", "must not be negative")
        try require(keepCheckpoints > 0, "keepCheckpoints", "must be at least 1")
        try require(!data.isEmpty, "data", "a data path is required")
        try require(dpoBeta > 0, "dpoBeta", "must be positive")
        if let l = lora {
            try require(l.rank > 0 && l.alpha > 0, "lora", "rank and alpha must be positive")
            try require(l.dropout >= 0 && l.dropout < 1, "lora.dropout", "must be in [0, 1)")
        }
    }

    /// The schedule these settings describe.
    public var schedule: Autodiff.LearningRateSchedule {
        LearningRateSchedule(peak: learningRate, minimum: minLearningRate, warmupSteps: warmupSteps, totalSteps: steps)
    }
}
