import Architectures
import Autodiff
import Compute
import Foundation
import ModelFiles
import Tokenization

extension TrainingRun {
    /// The kinds of fine-tuning.
    public enum FineTuning: String, Sendable {
        /// Supervised fine-tuning on conversations, loss on assistant tokens only.
        case sft
        /// Direct preference optimization on (prompt, chosen, rejected) pairs.
        case dpo
    }

    /// A fine-tuning run of the GGUF model `config.initFrom` on the JSONL at `config.data`; with
    /// `config.lora` only adapters train. The model's tokenizer and chat template (or
    /// `config.fineTune.chatTemplate`) render and tokenize the data.
    public static func fineTuning(_ kind: FineTuning, config: RunConfig, resume: Bool, pool: ThreadPool = .shared) throws -> TrainingRun {
        try config.validate()
        guard let base = config.initFrom else {
            throw TrainingError.badConfig(field: "initFrom", reason: "fine-tuning needs a base model (GGUF)")
        }
        let gguf = try GGUFFile(path: base)
        let tokenizer = try Tokenizer(gguf: gguf)
        let template: ChatTemplate
        if let file = config.fineTune.chatTemplate {
            let source: String
            do { source = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw TrainingError.io(path: file, reason: "cannot read the chat template")
            }
            template = try ChatTemplate(source: source)
        } else {
            template = try ChatTemplate(gguf: gguf)
        }
        let graph = try DecoderGraph(gguf: gguf)
        var trainable = graph.parameters
        if let l = config.lora {
            trainable = try graph.addAdapters(targets: l.targets, rank: l.rank, alpha: l.alpha, dropout: l.dropout, seed: config.seed)
        }
        let t = min(config.model.context, graph.config.contextLength)
        let pad = Int32(tokenizer.eos ?? 0)  // padded positions carry no loss; any id will do
        let objective: any TrainingObjective
        switch kind {
        case .sft:
            let examples = try ChatDataset.conversations(config.data, template: template, tokenizer: tokenizer)
            let (train, held) = ChatDataset.split(examples, fraction: config.fineTune.validationFraction)
            objective = NextTokenObjective(
                rows: SupervisedBatches.rows(train, context: t, packed: config.fineTune.packed, padToken: pad),
                batch: config.batchSize, accumulation: config.gradientAccumulation, seed: config.seed,
                validation: SupervisedBatches.rows(held, context: t, packed: config.fineTune.packed, padToken: pad))
        case .dpo:
            let pairs = try ChatDataset.preferences(config.data, template: template, tokenizer: tokenizer)
            let (train, held) = ChatDataset.split(pairs, fraction: config.fineTune.validationFraction)
            objective = PreferenceObjective(train: train, held: held, context: t, padToken: pad, pairs: config.batchSize,
                                            accumulation: config.gradientAccumulation, beta: config.dpoBeta, seed: config.seed,
                                            graph: graph, tape: Tape(pool: pool))
        }
        return try TrainingRun(config: config, graph: graph, trainable: trainable, objective: objective, resume: resume, pool: pool)
    }
}
