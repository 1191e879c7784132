import Architectures
import Autodiff
import Foundation
import ModelFiles
import Testing
import TestSupport
import Tokenization
import Training

/// PEFT adapter folders: saved with PEFT's key names and config, loaded back bit for bit, and
/// refused when they hold what Tern cannot compute. (That peft computes our adapted logits:
/// HFExportParityTests.)
@Suite struct PEFTAdaptersTests {
    static func saved(_ graph: DecoderGraph) throws -> String {
        let folder = try ExportTestModels.temporaryFolder("peft-\(graph.config.architecture)")
        try PEFTAdapters.save(graph, to: folder, baseModel: "base-\(graph.config.architecture)")
        return folder
    }

    @Test(arguments: ExportTestModels.cases)
    func saveThenLoadIsBitIdentical(family: String) throws {
        let graph = try ExportTestModels.adaptedGraph(family)
        let folder = try Self.saved(graph)
        let fresh = try ExportTestModels.graph(family)
        let parameters = try PEFTAdapters.load(from: folder, into: fresh)
        #expect(Set(fresh.adapters.keys) == Set(graph.adapters.keys))
        for (name, a) in graph.adapters {
            let b = try #require(fresh.adapters[name])
            #expect(b.a.values == a.a.values && b.b.values == a.b.values, "\(name)")
            #expect(b.rank == a.rank && b.alpha == a.alpha && b.dropout == a.dropout && b.scale == a.scale)
        }
        #expect(parameters.entries.count == 2 * graph.adapters.count)
        #expect(parameters.trainable.count == parameters.entries.count)
        #expect(fresh.parameters.trainable.isEmpty, "the base is frozen")
        #expect(ExportTestModels.logits(fresh) == ExportTestModels.logits(graph))
    }

    /// PEFT's keys and shapes; Llama's q_proj B rows permuted as the weight's rows, GPT-2's
    /// matrices as they are (fan_in_fan_out only concerns the Conv1D weight).
    @Test func keysShapesAndConfig() throws {
        let llama = try ExportTestModels.adaptedGraph("llama")
        let folder = try Self.saved(llama)
        let file = try SafeTensorsFile(path: folder + "/adapter_model.safetensors")
        #expect(file.metadata == ["format": "pt"])
        #expect(file.names.count == 2 * 7 * 2)
        #expect(try file.tensor("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shape == [4, 64])
        #expect(try file.tensor("base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight").shape == [32, 4])
        #expect(try file.tensor("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight").shape == [4, 96])
        let b = llama.adapters["blk.0.attn_q.weight"]!.b.values, saved = try file.floats("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight")
        // Head 0 (d = 16): the checkpoint's row 8 + i is the graph's row 2i + 1.
        #expect(Array(saved[(8 + 3) * 4..<(8 + 3) * 4 + 4]) == Array(b[7 * 4..<7 * 4 + 4]))
        #expect(try file.floats("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight") == llama.adapters["blk.0.attn_v.weight"]!.b.values)
        let config = try TemplateValue(json: String(contentsOfFile: folder + "/adapter_config.json", encoding: .utf8))
        #expect(config["peft_type"]?.stringValue == "LORA")
        #expect(config["task_type"]?.stringValue == "CAUSAL_LM")
        #expect(config["r"]?.intValue == 4)
        #expect(config["lora_alpha"]?.intValue == 8)
        #expect(config["lora_dropout"]?.doubleValue == 0.05)
        #expect(config["bias"]?.stringValue == "none")
        #expect(config["base_model_name_or_path"]?.stringValue == "base-llama")
        #expect(config["fan_in_fan_out"]?.boolValue == false)
        #expect(config["target_modules"]?.arrayValue?.compactMap(\.stringValue)
                == ["down_proj", "gate_proj", "k_proj", "o_proj", "q_proj", "up_proj", "v_proj"])

        let gpt2 = try ExportTestModels.adaptedGraph("gpt2")
        let g = try Self.saved(gpt2)
        let gfile = try SafeTensorsFile(path: g + "/adapter_model.safetensors")
        #expect(try gfile.tensor("base_model.model.transformer.h.1.attn.c_attn.lora_B.weight").shape == [192, 4])
        #expect(try gfile.floats("base_model.model.transformer.h.1.mlp.c_proj.lora_A.weight") == gpt2.adapters["blk.1.ffn_down.weight"]!.a.values)
        let gconfig = try TemplateValue(json: String(contentsOfFile: g + "/adapter_config.json", encoding: .utf8))
        #expect(gconfig["fan_in_fan_out"]?.boolValue == true)
        #expect(gconfig["target_modules"]?.arrayValue?.compactMap(\.stringValue) == ["attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"])
    }

    /// rsLoRA scales by alpha/√r: loading keeps that scale.
    @Test func rsLoRAScale() throws {
        let graph = try ExportTestModels.adaptedGraph("qwen2")
        let folder = try Self.saved(graph)
        let path = folder + "/adapter_config.json"
        try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences("\"use_rslora\": false", "\"use_rslora\": true")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let fresh = try ExportTestModels.graph("qwen2")
        try PEFTAdapters.load(from: folder, into: fresh)
        #expect(abs(fresh.adapters["blk.0.attn_q.weight"]!.scale - 8 / Float(4).squareRoot()) < 1e-6)
    }

    @Test func refusals() throws {
        #expect(throws: ExportError.self) { try PEFTAdapters.save(try ExportTestModels.graph("llama"), to: ExportTestModels.uniquePath("none")) }
        let graph = try ExportTestModels.adaptedGraph("llama")
        let folder = try Self.saved(graph)
        let path = folder + "/adapter_config.json"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        for (edit, field) in [("\"use_dora\": false", "\"use_dora\": true"), ("\"peft_type\": \"LORA\"", "\"peft_type\": \"IA3\""),
                              ("\"bias\": \"none\"", "\"bias\": \"all\""), ("\"alpha_pattern\": {}", "\"alpha_pattern\": {\"q_proj\": 4}")] {
            try original.replacingOccurrences(edit, field).write(toFile: path, atomically: true, encoding: .utf8)
            do {
                try PEFTAdapters.load(from: folder, into: try ExportTestModels.graph("llama"))
                Issue.record("accepted \(field)")
            } catch {
                #expect(error.message.contains(String(field.split(separator: "\"")[0])), "\(error)")
            }
        }
        try original.write(toFile: path, atomically: true, encoding: .utf8)
        // A model of another shape: the adapter's module is not there, or its matrices do not fit.
        #expect(throws: ExportError.self) { try PEFTAdapters.load(from: folder, into: try ExportTestModels.graph("qwen2")) }
        let smaller = try DecoderGraph(config: .llama(vocabulary: 96, context: 32, layers: 1, heads: 4, kvHeads: 2, width: 64,
                                                     feedForward: 96, tiedEmbeddings: false), seed: 1)
        #expect(throws: ExportError.self) { try PEFTAdapters.load(from: folder, into: smaller) }
    }
}
