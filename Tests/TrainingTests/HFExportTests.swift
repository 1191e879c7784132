import Architectures
import Autodiff
import Compute
import Foundation
import ModelFiles
import Testing
import TestSupport
import Training

/// HF export and import: round trips are bit-identical, the Llama Q/K row permutation is exactly
/// what turns adjacent-pair RoPE into transformers' rotate-half, and bad folders are refused with
/// the file and field. (That transformers itself computes our logits: HFExportParityTests.)
@Suite struct HFExportTests {
    static func exported(_ graph: DecoderGraph, dtype: HFExport.DType = .f32) throws -> String {
        let folder = try ExportTestModels.temporaryFolder("hf-\(graph.config.architecture)")
        try HFExport.write(graph, to: folder, options: .init(dtype: dtype))
        return folder
    }

    @Test(arguments: ExportTestModels.cases)
    func exportThenImportIsBitIdentical(family: String) throws {
        let graph = try ExportTestModels.graph(family)
        let back = try HFImport.graph(directory: try Self.exported(graph))
        #expect(back.config == graph.config)
        #expect(back.parameters.entries.map(\.name) == graph.parameters.entries.map(\.name))
        for (a, b) in zip(back.parameters.entries, graph.parameters.entries) {
            #expect(a.tensor.values == b.tensor.values, "\(a.name)")
            #expect(a.tensor.requiresGrad)
        }
    }

    /// transformers' names and shapes: Llama untied (lm_head stored), GPT-2 tied (lm_head not
    /// stored) with Conv1D's (in, out) weights; metadata {"format": "pt"}.
    @Test func namesAndShapes() throws {
        let llama = try SafeTensorsFile(path: try Self.exported(try ExportTestModels.graph("llama")) + "/model.safetensors")
        #expect(llama.metadata == ["format": "pt"])
        #expect(try llama.tensor("model.layers.1.self_attn.k_proj.weight").shape == [32, 64])
        #expect(try llama.tensor("model.layers.0.mlp.down_proj.weight").shape == [64, 96])
        #expect(try llama.tensor("lm_head.weight").shape == [96, 64])
        #expect(llama.names.count == 1 + 2 * 9 + 2)
        let gpt2 = try SafeTensorsFile(path: try Self.exported(try ExportTestModels.graph("gpt2")) + "/model.safetensors")
        #expect(try gpt2.tensor("transformer.h.0.attn.c_attn.weight").shape == [64, 192])
        #expect(try gpt2.tensor("transformer.h.1.mlp.c_proj.weight").shape == [256, 64])
        #expect(try gpt2.tensor("transformer.wpe.weight").shape == [32, 64])
        #expect(gpt2.tensorsByName["lm_head.weight"] == nil)
        // Conv1D is the transpose: c_attn[i][j] = attn_qkv[j][i].
        let graph = try ExportTestModels.graph("gpt2")
        let qkv = graph.parameters["blk.0.attn_qkv.weight"]!.values, cAttn = try gpt2.floats("transformer.h.0.attn.c_attn.weight")
        #expect(cAttn[5 * 192 + 100] == qkv[100 * 64 + 5])
    }

    /// The permuted rows with RoPE on halves compute what the graph's rows compute with RoPE on
    /// adjacent pairs: a graph built from the checkpoint's Q/K rows, running NeoX RoPE (as
    /// transformers' Llama does), gives the original logits.
    @Test func permutedRowsWithRotateHalfComputeTheSameModel() throws {
        let graph = try ExportTestModels.graph("llama")
        let file = try SafeTensorsFile(path: try Self.exported(graph) + "/model.safetensors")
        var c = graph.config
        c.ropeMode = .neox
        let names: [String: String] = ["attn_q.weight": "self_attn.q_proj.weight", "attn_k.weight": "self_attn.k_proj.weight"]
        let rotateHalf = try DecoderGraph(config: c) { name, shape in
            let parts = name.split(separator: ".", maxSplits: 2)
            if parts.count == 3, let hf = names[String(parts[2])] {
                return Tensor(shape: shape, values: try file.floats("model.layers.\(parts[1]).\(hf)"))
            }
            return Tensor(shape: shape, values: graph.parameters[name]!.values)
        }
        let error = ExportTestModels.relativeError(ExportTestModels.logits(rotateHalf), ExportTestModels.logits(graph))
        #expect(error <= 1e-5, "\(error)")
        // Without the permutation the model is a different one.
        #expect(file.names.contains("model.layers.0.self_attn.q_proj.weight"))
        #expect(try file.floats("model.layers.0.self_attn.q_proj.weight") != graph.parameters["blk.0.attn_q.weight"]!.values)
    }

    /// F16 / BF16 folders read back as the rounded values (Qwen2: no row permutation in the way).
    @Test(arguments: [HFExport.DType.f16, .bf16])
    func halfPrecisionFolders(dtype: HFExport.DType) throws {
        let graph = try ExportTestModels.graph("qwen2")
        let folder = try Self.exported(graph, dtype: dtype)
        let config = try String(contentsOfFile: folder + "/config.json", encoding: .utf8)
        #expect(config.contains(dtype == .f16 ? "\"torch_dtype\": \"float16\"" : "\"torch_dtype\": \"bfloat16\""))
        let back = try HFImport.graph(directory: folder)
        for (a, b) in zip(back.parameters.entries, graph.parameters.entries) {
            let rounded = b.tensor.values.map { dtype == .f16 ? Float(Float16($0)) : Half.bf16ToFloat(Half.floatToBF16($0)) }
            #expect(a.tensor.values == rounded, "\(a.name)")
        }
    }

    /// Hub GPT-2 checkpoints name tensors without `transformer.`; sharded folders load through
    /// their index.
    @Test func oldGPT2NamesAndShards() throws {
        let graph = try ExportTestModels.graph("gpt2")
        let folder = try Self.exported(graph)
        let file = try SafeTensorsFile(path: folder + "/model.safetensors")
        var first = SafeTensorsWriter(metadata: ["format": "pt"]), second = SafeTensorsWriter(metadata: ["format": "pt"])
        var index: [String] = []
        for (i, name) in file.names.enumerated() {
            let short = String(name.dropFirst("transformer.".count))
            let t = try file.tensor(name)
            if i % 2 == 0 { try first.add(short, shape: t.shape, floats: try file.floats(name)) } else {
                try second.add(short, shape: t.shape, floats: try file.floats(name))
            }
            index.append("\"\(short)\": \"model-0000\(i % 2 + 1)-of-00002.safetensors\"")
        }
        try FileManager.default.removeItem(atPath: folder + "/model.safetensors")
        try first.write(to: folder + "/model-00001-of-00002.safetensors")
        try second.write(to: folder + "/model-00002-of-00002.safetensors")
        try Data("{\"metadata\": {}, \"weight_map\": {\(index.joined(separator: ", "))}}".utf8)
            .write(to: URL(fileURLWithPath: folder + "/model.safetensors.index.json"))
        let back = try HFImport.graph(directory: folder)
        for (a, b) in zip(back.parameters.entries, graph.parameters.entries) { #expect(a.tensor.values == b.tensor.values, "\(a.name)") }
    }

    /// Each refusal names the file and the field or tensor.
    @Test func badFoldersAreRefused() throws {
        let folder = try Self.exported(try ExportTestModels.graph("llama"))
        let configPath = folder + "/config.json"
        let original = try String(contentsOfFile: configPath, encoding: .utf8)
        func expectRefusal(_ edit: (String) -> String, mentioning: String) throws {
            try edit(original).write(toFile: configPath, atomically: true, encoding: .utf8)
            do {
                _ = try HFImport.graph(directory: folder)
                Issue.record("accepted a config with \(mentioning)")
            } catch {
                #expect(error.message.contains(mentioning), "\(error)")
            }
        }
        try expectRefusal({ $0.replacingOccurrences("\"llama\"", "\"bert\"") }, mentioning: "model_type")
        try expectRefusal({ $0.replacingOccurrences("\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"linear\", \"factor\": 2.0}") },
                          mentioning: "rope_scaling")
        try expectRefusal({ $0.replacingOccurrences("\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu\"") }, mentioning: "hidden_act")
        try expectRefusal({ $0.replacingOccurrences("\"attention_bias\": false", "\"attention_bias\": true") }, mentioning: "attention_bias")
        try expectRefusal({ $0.replacingOccurrences("\"intermediate_size\": 96", "\"intermediate_size\": 128") },
                          mentioning: "model.layers.0.mlp.gate_proj.weight")
        try expectRefusal({ $0.replacingOccurrences("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3") },
                          mentioning: "model.layers.2.input_layernorm.weight")
        try expectRefusal({ $0.replacingOccurrences("\"hidden_size\": 64,", "") }, mentioning: "hidden_size")
        try expectRefusal({ _ in "[1, 2]" }, mentioning: "not a JSON object")
    }
}

extension Error {
    /// What the error says (its `CustomStringConvertible` text).
    var message: String { String(describing: self) }
}
