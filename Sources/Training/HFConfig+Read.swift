import Architectures
import Foundation
import Tokenization

extension HFConfig {
    /// The `DecoderConfig` of the `config.json` at `path` (`model_type` llama, mistral, qwen2 or
    /// gpt2). Missing keys take transformers' defaults; settings the graph cannot reproduce
    /// (RoPE scaling, partial rotary, sliding windows, biases Llama does not have, other
    /// activations) are refused with the key that holds them.
    static func read(_ path: String) throws(ExportError) -> DecoderConfig {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw .io(path: path, reason: "cannot read: \(error.localizedDescription)") }
        let root: TemplateValue
        do { root = try TemplateValue(json: text) } catch { throw .badField(path: path, field: "(file)", reason: "not valid JSON: \(error)") }
        guard root.objectValue != nil else { throw .badField(path: path, field: "(file)", reason: "not a JSON object") }
        return try Reader(root: root, path: path).config()
    }

    /// Typed access to the fields of one config.json.
    struct Reader {
        let root: TemplateValue
        let path: String

        func int(_ key: String, _ fallback: Int? = nil) throws(ExportError) -> Int {
            if let v = root[key], !v.isNull {
                guard let i = v.intValue, i >= 0 else { throw .badField(path: path, field: key, reason: "expected a non-negative integer") }
                return i
            }
            guard let fallback else { throw .badField(path: path, field: key, reason: "missing") }
            return fallback
        }

        func float(_ key: String, _ fallback: Float) throws(ExportError) -> Float {
            guard let v = root[key], !v.isNull else { return fallback }
            guard let d = v.doubleValue, d.isFinite else { throw .badField(path: path, field: key, reason: "expected a number") }
            return Float(d)
        }

        func bool(_ key: String, _ fallback: Bool) throws(ExportError) -> Bool {
            guard let v = root[key], !v.isNull else { return fallback }
            guard let b = v.boolValue else { throw .badField(path: path, field: key, reason: "expected true or false") }
            return b
        }

        func string(_ key: String, _ fallback: String) throws(ExportError) -> String {
            guard let v = root[key], !v.isNull else { return fallback }
            guard let s = v.stringValue else { throw .badField(path: path, field: key, reason: "expected a string") }
            return s
        }

        func require(_ ok: Bool, _ key: String, _ reason: String) throws(ExportError) {
            if !ok { throw .badField(path: path, field: key, reason: reason) }
        }

        func config() throws(ExportError) -> DecoderConfig {
            let type = try string("model_type", "")
            switch type {
            case "llama", "mistral", "qwen2": return try llama(qwen2: type == "qwen2")
            case "gpt2": return try gpt2()
            default: throw .badField(path: path, field: "model_type", reason: "'\(type)' is not supported (llama, mistral, qwen2, gpt2)")
            }
        }

        func llama(qwen2: Bool) throws(ExportError) -> DecoderConfig {
            let width = try int("hidden_size"), heads = try int("num_attention_heads")
            try require(heads > 0 && width > 0 && width % heads == 0, "num_attention_heads", "must divide hidden_size \(width)")
            let kvHeads = try int("num_key_value_heads", heads)
            try require(kvHeads > 0 && heads % kvHeads == 0, "num_key_value_heads", "\(kvHeads) does not divide \(heads) heads")
            let headDim = try int("head_dim", width / heads)
            try require(headDim > 0 && headDim % 2 == 0, "head_dim", "must be a positive even number")
            try require(try string("hidden_act", "silu") == "silu", "hidden_act", "only silu is supported")
            try require(!(try bool("mlp_bias", false)), "mlp_bias", "true is not supported")
            try require(try bool("attention_bias", qwen2) == qwen2, "attention_bias", qwen2 ? "Qwen2 needs its Q/K/V biases" : "true is not supported")
            try require(!(try bool("use_sliding_window", false)), "use_sliding_window", "sliding windows are not supported")
            let context = try int("max_position_embeddings", 2048)
            if !qwen2, let w = root["sliding_window"], !w.isNull {
                try require((w.intValue ?? 0) >= context, "sliding_window", "a window shorter than the context is not supported")
            }
            try require(try float("partial_rotary_factor", 1) == 1, "partial_rotary_factor", "partial rotary embeddings are not supported")
            var ropeBase = try float("rope_theta", 10_000)
            if let p = root["rope_parameters"], !p.isNull {
                try require((p["rope_type"]?.stringValue ?? "default") == "default", "rope_parameters.rope_type", "only default RoPE is supported")
                if let theta = p["rope_theta"]?.doubleValue { ropeBase = Float(theta) }
            }
            if let s = root["rope_scaling"], !s.isNull {
                try require((s["rope_type"] ?? s["type"])?.stringValue == "default", "rope_scaling", "RoPE scaling is not supported")
            }
            var c = DecoderConfig.llama(
                vocabulary: try int("vocab_size"), context: context, layers: try int("num_hidden_layers"),
                heads: heads, kvHeads: kvHeads, width: width, feedForward: try int("intermediate_size"), ropeBase: ropeBase,
                tiedEmbeddings: try bool("tie_word_embeddings", false), rmsNormEpsilon: try float("rms_norm_eps", 1e-6))
            c.headDimension = headDim
            c.ropeDimensions = headDim
            c.attentionScale = 1 / Float(headDim).squareRoot()
            if qwen2 {
                c.architecture = "qwen2"
                c.ropeMode = .neox
                c.hasQKVBias = true
            }
            return c
        }

        func gpt2() throws(ExportError) -> DecoderConfig {
            let width = try int("n_embd", 768), heads = try int("n_head", 12)
            try require(heads > 0 && width % heads == 0, "n_head", "must divide n_embd \(width)")
            let act = try string("activation_function", "gelu_new")
            try require(act == "gelu_new" || act == "gelu_pytorch_tanh", "activation_function", "'\(act)' is not the tanh GELU")
            try require(try bool("scale_attn_weights", true), "scale_attn_weights", "false is not supported")
            try require(!(try bool("scale_attn_by_inverse_layer_idx", false)), "scale_attn_by_inverse_layer_idx", "true is not supported")
            var c = DecoderConfig.gpt2(vocabulary: try int("vocab_size", 50257), context: try int("n_positions", 1024),
                                       layers: try int("n_layer", 12), heads: heads, width: width,
                                       feedForward: try int("n_inner", 4 * width))
            c.rmsNormEpsilon = try float("layer_norm_epsilon", 1e-5)
            c.tiedEmbeddings = try bool("tie_word_embeddings", true)
            return c
        }
    }
}
