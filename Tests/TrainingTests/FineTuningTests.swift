import Architectures
import Autodiff
import Compute
import Foundation
import ModelFiles
import Testing
import TestSupport
import Tokenization
@testable import Training

/// SFT, LoRA and DPO runs on a tiny ChatML model: masks cover assistant turns only, losses fall,
/// LoRA checkpoints hold adapters only, and DPO widens the held-out chosen-minus-rejected margin.
@Suite struct FineTuningTests {
    static let chatML = """
    {% for m in messages %}<|im_start|>{{ m.role }}
    {{ m.content }}<|im_end|>
    {% endfor %}{% if add_generation_prompt %}<|im_start|>assistant
    {% endif %}
    """

    /// A tiny ChatML GGUF (random weights) in a fresh folder.
    static func base() throws -> (dir: String, model: String) {
        let dir = temporaryPath("finetune")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let model = dir + "/base.gguf"
        try TinyModel.llama(layers: 2, embedding: 32, ffn: 64, heads: 4, kvHeads: 2, contextLength: 64, seed: 3,
                            chatTemplate: chatML).write(to: model)
        return (dir, model)
    }

    @Test func assistantTurnsAreTheOnlyTrainedTokens() throws {
        let (dir, model) = try Self.base()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gguf = try GGUFFile(path: model)
        let tokenizer = try Tokenizer(gguf: gguf), template = try ChatTemplate(gguf: gguf)
        let e = try ChatExample(messages: [.system("be brief"), .user("hi there"), .assistant("the cat"), .user("and?"),
                                           .assistant("a hat")], template: template, tokenizer: tokenizer)
        let trained = e.tokens.indices.filter { e.trained[$0] }.map { Int(e.tokens[$0]) }
        // Each assistant turn: its text, <|im_end|> and the newline the template puts after it.
        #expect(tokenizer.decode(trained, renderSpecial: true) == "the cat<|im_end|>\na hat<|im_end|>\n")
        let all = tokenizer.decode(e.tokens.map { Int($0) }, renderSpecial: true)
        #expect(all == (try template.render(messages: [.system("be brief"), .user("hi there"), .assistant("the cat"),
                                                       .user("and?"), .assistant("a hat")], addGenerationPrompt: false)))
        let rows = SupervisedBatches.rows([e], context: 64, packed: false, padToken: 0)
        #expect(rows.count == 1 && rows[0].tokens.count == 64)
        // Truncated to 65 tokens; the first token is never a target.
        #expect(rows[0].targets.filter { $0 != -100 }.count == e.trained[1..<min(65, e.tokens.count)].filter { $0 }.count)
    }

    func config(_ dir: String, model: String, data: String, steps: Int) -> RunConfig {
        var c = RunConfig()
        c.initFrom = model; c.data = data; c.output = dir + "/run-\(UUID().uuidString.prefix(8))"
        c.model.context = 32; c.batchSize = 4; c.steps = steps; c.warmupSteps = 2; c.learningRate = 3e-3
        c.logEvery = 1; c.evalEvery = steps; c.checkpointEvery = steps; c.threads = 2; c.seed = 11
        c.fineTune.validationFraction = 0.2
        return c
    }

    func write(_ lines: [[String: Any]], to path: String) throws {
        let text = try lines.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }.joined(separator: "\n")
        try writeFileAtomically(path: path, bytes: Array(text.utf8))
    }

    @Test func sftAndLoRALearnTheAssistantTurns() throws {
        let (dir, model) = try Self.base()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = dir + "/chat.jsonl"
        try write((0..<20).map { i in
            ["messages": [["role": "user", "content": "say \(i % 4)"], ["role": "assistant", "content": "the \(i % 4) hat"]]]
        }, to: data)
        for lora in [false, true] {
            var c = config(dir, model: model, data: data, steps: 25)
            if lora { c.lora = RunConfig.LoRA(); c.lora!.rank = 4; c.learningRate = 1e-2 }
            let run = try TrainingRun.fineTuning(.sft, config: c, resume: false)
            try run.run()
            let records = try MetricsLog(path: c.output + "/metrics.jsonl").records
            #expect(records.last!.loss! < 0.6 * records.first!.loss!, "lora \(lora): \(records.first!.loss!) → \(records.last!.loss!)")
            let saved = try SafeTensorsFile(path: Checkpoint.latest(run: c.output)! + "/model.safetensors")
            if lora {
                #expect(run.trainable.trainableCount == 2 * (4 * (32 + 32) + 4 * (32 + 16)), "q (32×32) and v (16×32): r·(in+out), 2 layers")
                #expect(saved.names.allSatisfy { $0.hasSuffix(".lora_a") || $0.hasSuffix(".lora_b") }, "\(saved.names)")
            } else {
                #expect(saved.names.count == run.graph.parameters.entries.count)
            }
        }
    }

    @Test func dpoWidensTheHeldOutMargin() throws {
        let (dir, model) = try Self.base()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = dir + "/pairs.jsonl"
        try write((0..<30).map { i in ["prompt": "is \(i) ok", "chosen": "yes it is", "rejected": "no way"] }, to: data)
        var c = config(dir, model: model, data: data, steps: 20)
        c.batchSize = 2; c.dpoBeta = 0.5; c.evalEvery = 10
        let run = try TrainingRun.fineTuning(.dpo, config: c, resume: false)
        let before = try #require(run.objective.validation(graph: run.graph, tape: Tape())).extras["margin"]!
        try run.run()
        let after = try #require(run.objective.validation(graph: run.graph, tape: Tape()))
        #expect(after.extras["margin"]! > before + 1, "held-out margin \(before) → \(after.extras["margin"]!)")
        #expect(after.extras["accuracy"]! == 1)
        #expect(after.loss < Float(log(2.0)), "DPO loss starts at log 2 and falls: \(after.loss)")
    }

    @Test func loraRunExportsAdaptersAndAMergedModel() throws {
        let (dir, model) = try Self.base()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = dir + "/chat.jsonl"
        try write((0..<10).map { i in
            ["messages": [["role": "user", "content": "say \(i % 3)"], ["role": "assistant", "content": "the \(i % 3) cat"]]]
        }, to: data)
        var c = config(dir, model: model, data: data, steps: 12)
        c.lora = RunConfig.LoRA(); c.lora!.rank = 4; c.lora!.dropout = 0; c.learningRate = 2e-2
        let run = try TrainingRun.fineTuning(.sft, config: c, resume: false)
        try run.run()
        // The checkpoint, re-read through the run config, is the trained adapted model.
        let saved = try CheckpointExport.graph(checkpoint: c.output, config: RunConfig.load(c.output + "/config.json"), vocabularySize: 0)
        #expect(saved.adapters.count == run.graph.adapters.count)
        let tokens: [Int32] = [3, 8, 100, 42, 7, 9, 250, 1]
        func logits(_ g: DecoderGraph) -> [Float] {
            let tape = Tape(); tape.isRecording = false
            return g.logits(tape, tokens: tokens, batch: 1).values
        }
        let adapted = logits(run.graph)
        #expect(logits(saved) == adapted)
        // A tokenizer.json for the exports: the GGUF's vocabulary as HF writes it.
        let tokenizerPath = dir + "/tokenizer.json"
        let merges = ["Ġ t", "Ġ a", "h e", "i n", "Ġt he"]  // TinyModel's vocabulary, as tokenizer.json
        let specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"].enumerated().map {
            TokenizerJSON.AddedToken(id: 261 + $0.offset, content: $0.element, special: true)
        }
        try TokenizerJSON(pattern: .gpt2, vocabulary: TinyModel.byteSymbols + merges.map { $0.replacingOccurrences(" ", "") },
                          merges: merges, addedTokens: specials).write(to: tokenizerPath)
        let peft = dir + "/adapter", merged = dir + "/merged.gguf"
        try CheckpointExport(checkpoint: c.output, config: c.output + "/config.json", tokenizer: tokenizerPath,
                             format: .peft, output: peft).run()
        for f in ["adapter_config.json", "adapter_model.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: peft + "/" + f), "\(f) missing")
        }
        try CheckpointExport(checkpoint: c.output, config: c.output + "/config.json", tokenizer: tokenizerPath,
                             format: .gguf, output: merged).run()
        let inference = try DecoderModel(path: merged)
        let out = Compute.FloatBuffer(count: tokens.count * inference.config.vocabularySize)
        try inference.forward(tokens.map { Int($0) }, cache: inference.makeCache(), selection: .all, logits: out)
        let scale = adapted.map { abs($0) }.max()!
        let worst = zip(adapted, out.array).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-4 * scale, "merged GGUF vs adapter-on graph: max |Δ| \(worst) of \(scale)")
    }
}
