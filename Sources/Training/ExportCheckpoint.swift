import Architectures
import Autodiff
import Foundation
import ModelFiles
import Tokenization

/// A training checkpoint (`Checkpoint`) turned into a model that runs elsewhere: what `tern export`
/// does. The graph is the run config's model (`RunConfig.Model`, vocabulary from the tokenizer
/// when the config names none) or, when the run started from a GGUF (`initFrom`), that model;
/// every tensor of the checkpoint's `model.safetensors` then replaces the graph's.
public struct CheckpointExport: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        /// One GGUF file for llama.cpp / Ollama / `tern generate`.
        case gguf
        /// A transformers folder (config.json, model.safetensors, tokenizer.json); a LoRA run's
        /// adapters are merged into the weights.
        case hf
        /// A LoRA run's adapters alone, as PEFT files (adapter_config.json, adapter_model.safetensors).
        case peft
    }

    /// A checkpoint folder (`…/checkpoints/step-00001000`), or a run folder (its latest checkpoint).
    public var checkpoint: String
    /// The run's `run.json`.
    public var config: String
    /// The HF `tokenizer.json` the model was trained with.
    public var tokenizer: String
    /// A file holding a Jinja chat template (GGUF `tokenizer.chat_template`).
    public var chatTemplate: String?
    public var format: Format
    /// Matrix type: f32, f16 or q8_0 for GGUF; f32, f16 or bf16 for HF.
    public var type: String
    /// The GGUF file, or the HF folder, to write.
    public var output: String

    public init(checkpoint: String, config: String, tokenizer: String, chatTemplate: String? = nil,
                format: Format, type: String = "f32", output: String) {
        self.checkpoint = checkpoint; self.config = config; self.tokenizer = tokenizer
        self.chatTemplate = chatTemplate; self.format = format; self.type = type; self.output = output
    }

    /// Builds the graph and writes the export; returns the graph it wrote.
    @discardableResult
    public func run() throws -> DecoderGraph {
        let vocabulary = try GGUFExport.vocabulary(contentsOf: tokenizer)
        let graph = try Self.graph(checkpoint: checkpoint, config: try RunConfig.load(config), vocabularySize: vocabulary.tokens.count)
        switch format {
        case .gguf:
            guard let t = GGUFExport.MatrixType(rawValue: type) else {
                throw TrainingError.badConfig(field: "type", reason: "'\(type)' (GGUF: \(GGUFExport.MatrixType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            var template: String?
            if let chatTemplate {
                do { template = try String(contentsOfFile: chatTemplate, encoding: .utf8) } catch {
                    throw ExportError.io(path: chatTemplate, reason: "cannot read the chat template: \(error.localizedDescription)")
                }
            }
            try GGUFExport.write(graph, vocabulary: vocabulary, options: .init(type: t, chatTemplate: template), to: output)
        case .hf:
            guard let d = HFExport.DType(rawValue: type) else {
                throw TrainingError.badConfig(field: "type", reason: "'\(type)' (HF: \(HFExport.DType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if !graph.adapters.isEmpty { graph.mergeAdapters() }
            try HFExport.write(graph, to: output, options: .init(dtype: d, tokenizerPath: tokenizer))
        case .peft:
            guard !graph.adapters.isEmpty else {
                throw TrainingError.badCheckpoint(path: checkpoint, reason: "holds no LoRA adapters (format peft is for `tern train lora` runs)")
            }
            try PEFTAdapters.save(graph, to: output, baseModel: try RunConfig.load(config).initFrom ?? "")
        }
        return graph
    }

    /// The graph of `config` with the tensors of the checkpoint at `checkpoint` (a checkpoint
    /// folder, or a run folder whose latest checkpoint is taken).
    public static func graph(checkpoint: String, config: RunConfig, vocabularySize: Int) throws -> DecoderGraph {
        var folder = checkpoint
        if !FileManager.default.fileExists(atPath: folder + "/model.safetensors"), let latest = Checkpoint.latest(run: folder) {
            folder = latest
        }
        let path = folder + "/model.safetensors"
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile(path: path) } catch { throw TrainingError.badCheckpoint(path: folder, reason: error.description) }
        if let lora = file.names.first(where: { $0.hasSuffix(".lora_a") || $0.hasSuffix(".lora_b") }) {
            return try adapted(file, folder: folder, config: config, example: lora)
        }
        let graph: DecoderGraph
        if let base = config.initFrom {
            do { graph = try DecoderGraph(gguf: try GGUFFile(path: base)) } catch {
                throw TrainingError.badConfig(field: "initFrom", reason: "\(base): \(error)")
            }
        } else {
            graph = try DecoderGraph(config: try config.model.decoderConfig(vocabulary: vocabularySize)) { _, shape in
                Tensor(zeros: shape, requiresGrad: true)
            }
        }
        let known = Set(graph.parameters.entries.map(\.name))
        if let stray = file.names.first(where: { !known.contains($0) }) {
            throw TrainingError.badCheckpoint(path: folder, reason: "tensor '\(stray)' is not a parameter of the configured \(graph.config.architecture) model")
        }
        for e in graph.parameters.entries {
            guard let info = file.tensorsByName[e.name] else {
                if config.initFrom != nil { continue }  // not trained: the base model's value
                throw TrainingError.badCheckpoint(path: folder, reason: "no tensor '\(e.name)'")
            }
            guard info.shape == e.tensor.shape else {
                throw TrainingError.badCheckpoint(path: folder, reason: "'\(e.name)' has shape \(info.shape), the configured model needs \(e.tensor.shape)")
            }
            try Checkpoint.copy(file, e.name, into: e.tensor.value, path: folder)
        }
        return graph
    }

    /// A LoRA run's checkpoint: the base model (`initFrom`) with adapters of the run's settings
    /// holding the checkpoint's A and B matrices (`<weight name>.lora_a` / `.lora_b`).
    static func adapted(_ file: SafeTensorsFile, folder: String, config: RunConfig, example: String) throws -> DecoderGraph {
        guard let base = config.initFrom, let l = config.lora else {
            throw TrainingError.badCheckpoint(path: folder, reason: "'\(example)' is a LoRA matrix but the run config has no initFrom and lora settings")
        }
        let graph: DecoderGraph
        do { graph = try DecoderGraph(gguf: try GGUFFile(path: base)) } catch {
            throw TrainingError.badConfig(field: "initFrom", reason: "\(base): \(error)")
        }
        let adapters = try graph.addAdapters(targets: l.targets, rank: l.rank, alpha: l.alpha, dropout: l.dropout, seed: config.seed)
        let names = Set(adapters.entries.map(\.name))
        if let stray = file.names.first(where: { !names.contains($0) }) {
            throw TrainingError.badCheckpoint(path: folder, reason: "tensor '\(stray)' is not an adapter of the run's LoRA targets \(l.targets)")
        }
        for e in adapters.entries {
            guard file.tensorsByName[e.name] != nil else { throw TrainingError.badCheckpoint(path: folder, reason: "no tensor '\(e.name)'") }
            try Checkpoint.copy(file, e.name, into: e.tensor.value, path: folder)
        }
        return graph
    }
}
