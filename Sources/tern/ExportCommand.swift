import ArgumentParser
import Foundation
import Training

/// `tern export`: a thin shell over `CheckpointExport` (all logic lives in the Training library).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a training checkpoint as a GGUF file (llama.cpp, Ollama) or a transformers folder.",
        discussion: """
            The model is the run config's (or its initFrom GGUF's) with the checkpoint's tensors; the vocabulary \
            comes from the tokenizer when the config names none. GGUF matrices: f32, f16 or q8_0 (norms and biases \
            stay f32). HF tensors: f32, f16 or bf16.
            """)

    @Option(help: "A checkpoint folder, or a run folder (its latest checkpoint).") var checkpoint: String
    @Option(help: "The run's config (run.json).") var config: String
    @Option(help: "The HF tokenizer.json the model was trained with.") var tokenizer: String
    @Option(name: .customLong("chat-template"), help: "A file holding a Jinja chat template (GGUF only).") var chatTemplate: String?
    @Option(help: "gguf, hf, or peft (a LoRA run's adapters).") var format: String = "gguf"
    @Option(help: "Tensor type: f32, f16, q8_0 (GGUF) or bf16 (HF).") var type: String = "f32"
    @Option(name: .shortAndLong, help: "The GGUF file, or the HF folder, to write.") var output: String

    func run() throws {
        guard let f = CheckpointExport.Format(rawValue: format) else {
            throw ValidationError("--format must be gguf, hf or peft, not '\(format)'")
        }
        let export = CheckpointExport(checkpoint: checkpoint, config: config, tokenizer: tokenizer, chatTemplate: chatTemplate,
                                      format: f, type: type, output: output)
        let graph = try export.run()
        let c = graph.config
        FileHandle.standardError.write(Data("wrote \(output): \(c.architecture) \(c.layerCount) layers × \(c.embeddingLength), vocabulary \(c.vocabularySize), \(format) \(type)\n".utf8))
    }
}
