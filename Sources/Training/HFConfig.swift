import Architectures
import Tokenization

/// transformers' `config.json` for the three families: written from a `DecoderConfig`, and read
/// back into one (from Tern's files or from checkpoints on the hub).
///
/// Written keys are those `LlamaConfig`, `Qwen2Config` and `GPT2Config` define, with the values
/// that make transformers compute what the graph computes (no dropout; GPT-2's `gelu_new` is the
/// tanh GELU). RoPE's base is written as `rope_theta`, which transformers 4.x reads and 5.x turns
/// into `rope_parameters`; both spellings are read. GPT-2 also gets `n_ctx`, which llama.cpp's
/// converter reads.
enum HFConfig {
    /// The `config.json` object of `c` (`dtype`: `float32`, `float16` …).
    static func json(_ c: DecoderConfig, family: ExportFamily, special: SpecialTokenIDs, dtype: String) -> TemplateValue {
        func id(_ v: Int?) -> TemplateValue { v.map { .int($0) } ?? .null }
        var o = TemplateObject()
        switch family {
        case .llama, .qwen2:
            o["architectures"] = [.string(family == .llama ? "LlamaForCausalLM" : "Qwen2ForCausalLM")]
            o["model_type"] = .string(family.rawValue)
            o["vocab_size"] = .int(c.vocabularySize)
            o["hidden_size"] = .int(c.embeddingLength)
            o["intermediate_size"] = .int(c.feedForwardLength)
            o["num_hidden_layers"] = .int(c.layerCount)
            o["num_attention_heads"] = .int(c.headCount)
            o["num_key_value_heads"] = .int(c.kvHeadCount)
            o["head_dim"] = .int(c.headDimension)
            o["hidden_act"] = "silu"
            o["max_position_embeddings"] = .int(c.contextLength)
            o["rms_norm_eps"] = number(c.rmsNormEpsilon)
            o["rope_theta"] = number(c.ropeBase)
            o["rope_scaling"] = .null
            o["attention_dropout"] = 0.0
            if family == .llama {
                o["attention_bias"] = false
                o["mlp_bias"] = false
                o["pretraining_tp"] = 1
            } else {
                o["use_sliding_window"] = false
                o["max_window_layers"] = .int(c.layerCount)
            }
        case .gpt2:
            o["architectures"] = ["GPT2LMHeadModel"]
            o["model_type"] = "gpt2"
            o["vocab_size"] = .int(c.vocabularySize)
            o["n_embd"] = .int(c.embeddingLength)
            o["n_inner"] = .int(c.feedForwardLength)
            o["n_layer"] = .int(c.layerCount)
            o["n_head"] = .int(c.headCount)
            o["n_positions"] = .int(c.contextLength)
            o["n_ctx"] = .int(c.contextLength)
            o["activation_function"] = "gelu_new"
            o["layer_norm_epsilon"] = number(c.rmsNormEpsilon)
            o["scale_attn_weights"] = true
            o["scale_attn_by_inverse_layer_idx"] = false
            o["reorder_and_upcast_attn"] = false
            o["attn_pdrop"] = 0.0
            o["embd_pdrop"] = 0.0
            o["resid_pdrop"] = 0.0
        }
        o["initializer_range"] = 0.02
        o["tie_word_embeddings"] = .bool(c.tiedEmbeddings)
        o["bos_token_id"] = id(special.bos)
        o["eos_token_id"] = id(special.eos)
        if let pad = special.padding { o["pad_token_id"] = .int(pad) }
        o["torch_dtype"] = .string(dtype)
        o["use_cache"] = true
        return .object(o)
    }

    /// A float as the double whose shortest decimal form is the float's (1e-05, not
    /// 9.999999747378752e-06), so that Python reads back the same f32.
    static func number(_ x: Float) -> TemplateValue { .double(Double("\(x)") ?? Double(x)) }
}
