import Architectures
import Foundation
import ModelFiles
import Tokenization

/// A graph's LoRA adapters as a PEFT adapter folder, which `PeftModel.from_pretrained` loads onto
/// the HF export of the base model (`HFExport`), and back:
///
///     adapter_config.json          PEFTConfig: peft_type LORA, r, lora_alpha, lora_dropout,
///                                  target_modules, task_type CAUSAL_LM, fan_in_fan_out (GPT-2) …
///     adapter_model.safetensors    base_model.model.<module>.lora_A.weight  (r, in)
///                                  base_model.model.<module>.lora_B.weight  (out, r)
///
/// `<module>` is the transformers path of the adapted projection (`model.layers.0.self_attn.q_proj`,
/// `transformer.h.0.attn.c_attn`). Both matrices keep the graph's orientation — also for GPT-2,
/// whose `Conv1D` PEFT wraps with `fan_in_fan_out` and still computes x·Aᵀ·Bᵀ — except that for
/// Llama's q_proj/k_proj the rows of B are permuted as the weight's rows are (`HFTensorNames`).
public enum PEFTAdapters {
    /// Writes `graph.adapters` into `directory` (created when missing). All adapters must share one
    /// rank, alpha and dropout, as one `LoraConfig` describes them. `baseModel` becomes
    /// `base_model_name_or_path` (where PEFT looks for the base when none is passed to it).
    public static func save(_ graph: DecoderGraph, to directory: String, baseModel: String = "") throws(ExportError) {
        let family = try ExportFamily(graph.config, format: "PEFT")
        let names = HFTensorNames(family: family, config: graph.config)
        let adapters = graph.adapters.sorted { $0.key < $1.key }
        guard let first = adapters.first?.value else { throw .unsupported(format: "PEFT", reason: "the graph has no LoRA adapters") }
        guard adapters.allSatisfy({ $0.value.rank == first.rank && $0.value.alpha == first.alpha && $0.value.dropout == first.dropout }) else {
            throw .unsupported(format: "PEFT", reason: "adapters with different ranks, alphas or dropouts (one LoraConfig describes them all)")
        }
        var st = SafeTensorsWriter(metadata: ["format": "pt"])
        var targets = Set<String>()
        for (weight, lora) in adapters {
            guard let module = names.moduleName(weight), let (_, layout) = names.hfName(weight) else {
                throw .unsupported(format: "PEFT", reason: "no transformers module for adapted weight '\(weight)'")
            }
            targets.insert(targetName(module, family: family))
            let a = lora.a.values, b = lora.b.values
            guard a.allSatisfy(\.isFinite), b.allSatisfy(\.isFinite) else { throw .nonFiniteValue(tensor: weight + " (LoRA)") }
            let bRows = layout.isRoPE ? layout.toHF(b, shape: lora.b.shape) : b
            do {
                try st.add(key(module, "A"), shape: lora.a.shape, floats: a)
                try st.add(key(module, "B"), shape: lora.b.shape, floats: bRows)
            } catch { throw .io(path: directory + "/adapter_model.safetensors", reason: error.description) }
        }
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw .io(path: directory, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        let path = directory + "/adapter_model.safetensors"
        do { try st.write(to: path) } catch { throw .io(path: path, reason: error.description) }
        let config = PEFTConfig(rank: first.rank, alpha: first.alpha, dropout: first.dropout, targetModules: targets.sorted(),
                                baseModel: baseModel, fanInFanOut: family == .gpt2)
        try HFExport.writeJSON(config.json, to: directory + "/adapter_config.json")
    }

    /// `base_model.model.<module>.lora_<A|B>.weight`: the key PEFT's `save_pretrained` writes
    /// (the adapter's name, `default`, is dropped from saved keys).
    static func key(_ module: String, _ matrix: String) -> String { "base_model.model.\(module).lora_\(matrix).weight" }

    /// The `target_modules` entry of a module: its last name (`q_proj`), or the last two for GPT-2,
    /// whose `c_proj` is both the attention output and the MLP's down projection. PEFT matches a
    /// module whose path ends with `.<entry>`.
    static func targetName(_ module: String, family: ExportFamily) -> String {
        let parts = module.split(separator: ".")
        return parts.suffix(family == .gpt2 ? 2 : 1).joined(separator: ".")
    }
}

extension HFTensorNames.HFLayout {
    var isRoPE: Bool { if case .ropeRows = self { return true } else { return false } }
}
