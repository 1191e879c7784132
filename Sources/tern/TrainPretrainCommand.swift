import ArgumentParser
import Training

/// `tern train pretrain`: next-token pretraining from token shards.
struct TrainPretrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pretrain",
        abstract: "Pretrain a decoder on token shards (`tern data tokenize`); checkpoints resume exactly.",
        discussion: """
        Settings come from --config (JSON or YAML; every field optional, see RunConfig), then flags. The run \
        folder gets config.json, metrics.jsonl, loss.svg and checkpoints/; --resume continues from its \
        latest checkpoint with the same losses as an uninterrupted run. --model starts from a GGUF.
        """)

    @OptionGroup var options: TrainOptions

    func run() throws {
        let c = try options.settings()
        try options.execute(TrainingRun.pretraining(config: c, resume: options.resume, pool: options.pool(c)))
    }
}

/// Options of the fine-tuning commands.
struct FineTuneOptions: ParsableArguments {
    @Flag(help: "Pack examples into full context windows (no padding).") var packed = false
    @Option(name: .customLong("chat-template"), help: "Jinja chat template file (default: the model's).") var chatTemplate: String?
    @Option(name: .customLong("validation-fraction"), help: "Share of records held out (every k-th).") var validationFraction: Float?

    func apply(to c: inout RunConfig) {
        if packed { c.fineTune.packed = true }
        if let chatTemplate { c.fineTune.chatTemplate = chatTemplate }
        if let validationFraction { c.fineTune.validationFraction = validationFraction }
    }
}

/// LoRA settings as flags.
struct LoRAOptions: ParsableArguments {
    @Option(help: "Adapter rank r.") var rank: Int?
    @Option(help: "Adapter alpha (scale alpha/r).") var alpha: Float?
    @Option(name: .customLong("lora-dropout"), help: "Dropout on the adapters' input.") var dropout: Float?
    @Option(help: "Comma-separated modules (q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj).") var targets: String?

    var given: Bool { rank != nil || alpha != nil || dropout != nil || targets != nil }

    func apply(to c: inout RunConfig) {
        var l = c.lora ?? RunConfig.LoRA()
        if let rank { l.rank = rank }
        if let alpha { l.alpha = alpha }
        if let dropout { l.dropout = dropout }
        if let targets { l.targets = targets.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        c.lora = l
    }
}

/// `tern train sft`: supervised fine-tuning on conversations, loss on assistant tokens only.
struct TrainSFTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sft", abstract: "Supervised fine-tuning of a GGUF model on {\"messages\":[...]} JSONL (assistant tokens only).")
    @OptionGroup var options: TrainOptions
    @OptionGroup var fineTune: FineTuneOptions

    func run() throws {
        var c = try options.settings()
        fineTune.apply(to: &c)
        try options.execute(TrainingRun.fineTuning(.sft, config: c, resume: options.resume, pool: options.pool(c)))
    }
}

/// `tern train lora`: SFT that trains low-rank adapters only.
struct TrainLoRACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lora", abstract: "LoRA fine-tuning (adapters only) of a GGUF model on {\"messages\":[...]} JSONL.")
    @OptionGroup var options: TrainOptions
    @OptionGroup var fineTune: FineTuneOptions
    @OptionGroup var lora: LoRAOptions

    func run() throws {
        var c = try options.settings()
        fineTune.apply(to: &c)
        lora.apply(to: &c)
        try options.execute(TrainingRun.fineTuning(.sft, config: c, resume: options.resume, pool: options.pool(c)))
    }
}

/// `tern train dpo`: direct preference optimization against the frozen starting model.
struct TrainDPOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dpo", abstract: "DPO of a GGUF model on {\"prompt\",\"chosen\",\"rejected\"} JSONL (LoRA with --rank).")
    @OptionGroup var options: TrainOptions
    @OptionGroup var fineTune: FineTuneOptions
    @OptionGroup var lora: LoRAOptions
    @Option(help: "DPO β (default 0.1).") var beta: Float?

    func run() throws {
        var c = try options.settings()
        fineTune.apply(to: &c)
        if lora.given { lora.apply(to: &c) }
        if let beta { c.dpoBeta = beta }
        try options.execute(TrainingRun.fineTuning(.dpo, config: c, resume: options.resume, pool: options.pool(c)))
    }
}
