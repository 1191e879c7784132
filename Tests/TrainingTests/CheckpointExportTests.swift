import Architectures
import Autodiff
import Compute
import Foundation
import ModelFiles
import Testing
import TestSupport
import Tokenization
import Training

/// `CheckpointExport` (the logic of `tern export`): a run's checkpoint, its run.json and its
/// tokenizer become a GGUF that computes the checkpoint's model, or an HF folder that imports back.
@Suite struct CheckpointExportTests {
    /// A run folder holding a checkpoint of a seeded 1-layer Llama, with run.json, tokenizer.json
    /// (byte symbols + `<|endoftext|>` = 256) and a chat template beside it.
    static func run() throws -> (folder: String, graph: DecoderGraph) {
        let folder = try ExportTestModels.temporaryFolder("run")
        let json = TokenizerJSON(pattern: .gpt2, vocabulary: TinyModel.byteSymbols, merges: [],
                                 addedTokens: [.init(id: 256, content: "<|endoftext|>", special: true)])
        try json.write(to: folder + "/tokenizer.json")
        try Data(#"{"model": {"architecture": "llama", "layers": 1, "heads": 2, "width": 64, "context": 32, "feedForward": 64}, "data": "shards"}"#.utf8)
            .write(to: URL(fileURLWithPath: folder + "/run.json"))
        try Data("{% for m in messages %}{{ m.content }}{% endfor %}".utf8).write(to: URL(fileURLWithPath: folder + "/template.jinja"))
        let config = try RunConfig.load(folder + "/run.json").model.decoderConfig(vocabulary: 257)
        let graph = try DecoderGraph(config: config, seed: 3)
        try Checkpoint.write(run: folder, parameters: graph.parameters, optimizer: AdamW(graph.parameters),
                             state: .init(step: 5, cursor: Data(), tokens: 0, seed: 1), keep: 2)
        return (folder, graph)
    }

    static func export(_ folder: String, format: CheckpointExport.Format, type: String, output: String,
                       checkpoint: String? = nil) throws -> DecoderGraph {
        try CheckpointExport(checkpoint: checkpoint ?? folder, config: folder + "/run.json", tokenizer: folder + "/tokenizer.json",
                             chatTemplate: folder + "/template.jinja", format: format, type: type, output: output).run()
    }

    @Test func ggufOfTheLatestCheckpoint() throws {
        let (folder, graph) = try Self.run()
        let path = folder + "/model.gguf"
        _ = try Self.export(folder, format: .gguf, type: "f32", output: path)
        let gguf = try GGUFFile(path: path)
        #expect(try gguf.string("tokenizer.chat_template") == "{% for m in messages %}{{ m.content }}{% endfor %}")
        #expect(try gguf.int("tokenizer.ggml.eos_token_id") == 256)
        #expect(try Architectures.config(gguf) == graph.config)
        let logits = try GGUFExportTests.modelLogits(gguf, [1, 2, 3, 200, 256])
        #expect(ExportTestModels.relativeError(logits, ExportTestModels.logits(graph, [1, 2, 3, 200, 256])) <= 1e-4)
    }

    @Test func hfFolderOfACheckpoint() throws {
        let (folder, graph) = try Self.run()
        let checkpoint = try #require(Checkpoint.latest(run: folder))
        let out = folder + "/hf"
        _ = try Self.export(folder, format: .hf, type: "f32", output: out, checkpoint: checkpoint)
        #expect(FileManager.default.contents(atPath: out + "/tokenizer.json") == FileManager.default.contents(atPath: folder + "/tokenizer.json"))
        let generation = try TemplateValue(json: String(contentsOfFile: out + "/generation_config.json", encoding: .utf8))
        #expect(generation["eos_token_id"]?.intValue == 256)
        let back = try HFImport.graph(directory: out)
        for (a, b) in zip(back.parameters.entries, graph.parameters.entries) { #expect(a.tensor.values == b.tensor.values, "\(a.name)") }
    }

    @Test func refusals() throws {
        let (folder, _) = try Self.run()
        #expect(throws: TrainingError.self) { try Self.export(folder, format: .gguf, type: "q4_0", output: folder + "/x.gguf") }
        #expect(throws: TrainingError.self) { try Self.export(folder, format: .hf, type: "q8_0", output: folder + "/x") }
        // A run config describing another model than the checkpoint's.
        try Data(#"{"model": {"architecture": "llama", "layers": 2, "heads": 2, "width": 64, "context": 32, "feedForward": 64}}"#.utf8)
            .write(to: URL(fileURLWithPath: folder + "/run.json"))
        do {
            _ = try Self.export(folder, format: .gguf, type: "f32", output: folder + "/x.gguf")
            Issue.record("exported a checkpoint that lacks layer 1")
        } catch {
            #expect(error.message.contains("blk.1."), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/x.gguf"))
    }

    /// `tern export` parses its flags and writes the file (the built binary, when present).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: TernBinary.path), "the tern executable is not built"))
    func ternExportCommand() throws {
        let (folder, graph) = try Self.run()
        let path = folder + "/cli.gguf"
        let r = try TernBinary.run(["export", "--checkpoint", folder, "--config", folder + "/run.json", "--tokenizer",
                                    folder + "/tokenizer.json", "--format", "gguf", "--type", "q8_0", "-o", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("wrote \(path)"))
        let gguf = try GGUFFile(path: path)
        #expect(try Architectures.config(gguf) == graph.config)
        #expect(gguf.tensorsByName["blk.0.ffn_up.weight"]?.type == .q8_0)
        let bad = try TernBinary.run(["export", "--checkpoint", folder, "--config", folder + "/run.json", "--tokenizer",
                                      folder + "/tokenizer.json", "--format", "onnx", "-o", path])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--format"))
    }
}
