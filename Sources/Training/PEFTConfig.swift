import Foundation
import Tokenization

/// The fields of PEFT's `adapter_config.json` (a `LoraConfig`) that decide what an adapter computes.
/// Written with PEFT's other keys at their defaults; read back with every setting Tern cannot
/// reproduce refused (DoRA, trained biases, per-module alphas, other adapter types).
struct PEFTConfig: Equatable {
    var rank: Int
    var alpha: Float
    var dropout: Float
    var targetModules: [String]
    var baseModel: String
    /// True for GPT-2's `Conv1D` layers, which store (in, out).
    var fanInFanOut: Bool
    /// rsLoRA: scale alpha/√r instead of alpha/r.
    var useRSLoRA = false

    var json: TemplateValue {
        var o = TemplateObject()
        o["alpha_pattern"] = .object(TemplateObject())
        o["auto_mapping"] = .null
        o["base_model_name_or_path"] = .string(baseModel)
        o["bias"] = "none"
        o["fan_in_fan_out"] = .bool(fanInFanOut)
        o["inference_mode"] = true
        o["init_lora_weights"] = true
        o["layers_pattern"] = .null
        o["layers_to_transform"] = .null
        o["lora_alpha"] = alpha == alpha.rounded() && abs(alpha) < 1e9 ? .int(Int(alpha)) : HFConfig.number(alpha)
        o["lora_dropout"] = HFConfig.number(dropout)
        o["modules_to_save"] = .null
        o["peft_type"] = "LORA"
        o["r"] = .int(rank)
        o["rank_pattern"] = .object(TemplateObject())
        o["revision"] = .null
        o["target_modules"] = .array(targetModules.map { .string($0) })
        o["task_type"] = "CAUSAL_LM"
        o["use_dora"] = false
        o["use_rslora"] = .bool(useRSLoRA)
        return .object(o)
    }

    /// Reads and checks the `adapter_config.json` at `path`.
    static func read(_ path: String) throws(ExportError) -> PEFTConfig {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw .io(path: path, reason: "cannot read: \(error.localizedDescription)") }
        let root: TemplateValue
        do { root = try TemplateValue(json: text) } catch { throw .badField(path: path, field: "(file)", reason: "not valid JSON: \(error)") }
        let r = HFConfig.Reader(root: root, path: path)
        try r.require(root.objectValue != nil, "(file)", "not a JSON object")
        try r.require(try r.string("peft_type", "") == "LORA", "peft_type", "only LORA adapters are supported")
        try r.require(!(try r.bool("use_dora", false)), "use_dora", "DoRA is not supported")
        try r.require(try r.string("bias", "none") == "none", "bias", "trained biases are not supported")
        try r.require(root["alpha_pattern"]?.objectValue?.isEmpty ?? true, "alpha_pattern", "per-module alphas are not supported")
        try r.require(root["modules_to_save"].map { $0.isNull || $0.arrayValue?.isEmpty == true } ?? true,
                      "modules_to_save", "fully trained modules are not supported")
        let rank = try r.int("r", 8)
        try r.require(rank > 0, "r", "must be positive")
        var targets: [String] = []
        if let t = root["target_modules"] {
            if let s = t.stringValue { targets = [s] } else { targets = t.arrayValue?.compactMap(\.stringValue) ?? [] }
        }
        return PEFTConfig(rank: rank, alpha: try r.float("lora_alpha", 8), dropout: try r.float("lora_dropout", 0),
                          targetModules: targets, baseModel: try r.string("base_model_name_or_path", ""),
                          fanInFanOut: try r.bool("fan_in_fan_out", false), useRSLoRA: try r.bool("use_rslora", false))
    }
}
