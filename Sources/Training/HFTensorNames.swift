import Architectures

/// Where each GGUF-named tensor of a decoder lives in a transformers checkpoint, and how its
/// layout differs there.
///
/// | GGUF | Llama / Qwen2 (`LlamaForCausalLM`, `Qwen2ForCausalLM`) | GPT-2 (`GPT2LMHeadModel`) |
/// |---|---|---|
/// | `token_embd.weight` | `model.embed_tokens.weight` | `transformer.wte.weight` |
/// | `position_embd.weight` | | `transformer.wpe.weight` |
/// | `blk.N.attn_norm.{weight,bias}` | `model.layers.N.input_layernorm.weight` | `transformer.h.N.ln_1.*` |
/// | `blk.N.attn_q/k/v.{weight,bias}` | `….self_attn.q_proj/k_proj/v_proj.*` | |
/// | `blk.N.attn_qkv.{weight,bias}` | | `….attn.c_attn.*` (weight transposed) |
/// | `blk.N.attn_output.{weight,bias}` | `….self_attn.o_proj.weight` | `….attn.c_proj.*` (weight transposed) |
/// | `blk.N.ffn_norm.{weight,bias}` | `….post_attention_layernorm.weight` | `….ln_2.*` |
/// | `blk.N.ffn_gate.weight` | `….mlp.gate_proj.weight` | |
/// | `blk.N.ffn_up.{weight,bias}` | `….mlp.up_proj.weight` | `….mlp.c_fc.*` (weight transposed) |
/// | `blk.N.ffn_down.{weight,bias}` | `….mlp.down_proj.weight` | `….mlp.c_proj.*` (weight transposed) |
/// | `output_norm.{weight,bias}` | `model.norm.weight` | `transformer.ln_f.*` |
/// | `output.weight` (untied only) | `lm_head.weight` | `lm_head.weight` |
///
/// GPT-2's `Conv1D` stores (in, out), the transpose of a linear layer's (out, in). Llama's Q and
/// K rows are permuted: see `HFLayout.ropeRows`.
struct HFTensorNames {
    let family: ExportFamily
    let config: DecoderConfig
    /// GPT-2's module prefix: `transformer.` as `GPT2LMHeadModel` saves it, empty in the oldest
    /// hub checkpoints (`h.0.attn…`).
    var gpt2Prefix = "transformer."

    /// How a tensor's values are laid out in the checkpoint relative to the graph's.
    enum HFLayout: Equatable {
        case same
        /// (rows, columns) in the graph, (columns, rows) in the checkpoint.
        case transposed
        /// Llama's Q/K projections (and their biases): within each of `heads` heads, the graph's
        /// rows (2i, 2i+1) — RoPE on adjacent pairs, llama.cpp's layout for `llama` — are the
        /// checkpoint's rows (i, i + d/2) — RoPE on halves, transformers' `rotate_half`.
        case ropeRows(heads: Int)
    }

    init(family: ExportFamily, config: DecoderConfig) {
        self.family = family
        self.config = config
    }

    /// The checkpoint's name and layout of the graph tensor `name`, nil for a name it has none for.
    func hfName(_ name: String) -> (name: String, layout: HFLayout)? {
        let parts = name.split(separator: ".", maxSplits: 2).map(String.init)
        if parts.count == 3, parts[0] == "blk", let block = Int(parts[1]) {
            guard let (module, layout) = layerModule(parts[2]) else { return nil }
            let kind = parts[2].hasSuffix(".bias") ? "bias" : "weight"
            let prefix = family == .gpt2 ? "\(gpt2Prefix)h.\(block)." : "model.layers.\(block)."
            return (prefix + module + "." + kind, kind == "bias" && layout == .transposed ? .same : layout)
        }
        let top: [String: String] = family == .gpt2
            ? [WeightNames.tokenEmbedding: gpt2Prefix + "wte.weight", WeightNames.positionEmbedding: gpt2Prefix + "wpe.weight",
               WeightNames.outputNorm: gpt2Prefix + "ln_f.weight", WeightNames.outputNormBias: gpt2Prefix + "ln_f.bias",
               WeightNames.output: "lm_head.weight"]
            : [WeightNames.tokenEmbedding: "model.embed_tokens.weight", WeightNames.outputNorm: "model.norm.weight",
               WeightNames.output: "lm_head.weight"]
        return top[name].map { ($0, .same) }
    }

    /// The module (relative to its block) and weight layout of a block tensor `attn_q.weight` ….
    private func layerModule(_ tensor: String) -> (String, HFLayout)? {
        let base = tensor.hasSuffix(".weight") ? String(tensor.dropLast(7)) : tensor.hasSuffix(".bias") ? String(tensor.dropLast(5)) : tensor
        switch family {
        case .gpt2:
            let modules: [String: String] = ["attn_norm": "ln_1", "attn_qkv": "attn.c_attn", "attn_output": "attn.c_proj",
                                             "ffn_norm": "ln_2", "ffn_up": "mlp.c_fc", "ffn_down": "mlp.c_proj"]
            guard let m = modules[base] else { return nil }
            return (m, base.hasSuffix("_norm") ? .same : .transposed)
        case .llama, .qwen2:
            let modules: [String: String] = ["attn_norm": "input_layernorm", "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj",
                                             "attn_v": "self_attn.v_proj", "attn_output": "self_attn.o_proj",
                                             "ffn_norm": "post_attention_layernorm", "ffn_gate": "mlp.gate_proj",
                                             "ffn_up": "mlp.up_proj", "ffn_down": "mlp.down_proj"]
            guard let m = modules[base] else { return nil }
            if family == .llama && base == "attn_q" { return (m, .ropeRows(heads: config.headCount)) }
            if family == .llama && base == "attn_k" { return (m, .ropeRows(heads: config.kvHeadCount)) }
            return (m, .same)
        }
    }

    /// The module path of a block weight (`model.layers.0.self_attn.q_proj`), what PEFT names adapters by.
    func moduleName(_ weightName: String) -> String? {
        guard weightName.hasSuffix(".weight"), let (name, _) = hfName(weightName) else { return nil }
        return String(name.dropLast(7))
    }
}
