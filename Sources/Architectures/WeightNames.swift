/// The GGUF tensor names of decoder models, declared once (llama.cpp's `LLM_TENSOR_NAMES`
/// convention, shared by every family Tern reads).
public enum WeightNames {
    public static let tokenEmbedding = "token_embd.weight"
    public static let positionEmbedding = "position_embd.weight"
    public static let outputNorm = "output_norm.weight"
    public static let outputNormBias = "output_norm.bias"
    public static let output = "output.weight"

    /// Names of block `layer`'s tensors.
    public struct Layer: Sendable {
        public let prefix: String
        public init(_ layer: Int) { prefix = "blk.\(layer)." }
        public var attentionNorm: String { prefix + "attn_norm.weight" }
        public var attentionNormBias: String { prefix + "attn_norm.bias" }
        /// Q, K, V stacked in one matrix (GPT-2), rows [q; k; v].
        public var qkv: String { prefix + "attn_qkv.weight" }
        public var qkvBias: String { prefix + "attn_qkv.bias" }
        public var attentionOutputBias: String { prefix + "attn_output.bias" }
        public var ffnNormBias: String { prefix + "ffn_norm.bias" }
        public var ffnUpBias: String { prefix + "ffn_up.bias" }
        public var ffnDownBias: String { prefix + "ffn_down.bias" }
        public var query: String { prefix + "attn_q.weight" }
        public var key: String { prefix + "attn_k.weight" }
        public var value: String { prefix + "attn_v.weight" }
        public var queryBias: String { prefix + "attn_q.bias" }
        public var keyBias: String { prefix + "attn_k.bias" }
        public var valueBias: String { prefix + "attn_v.bias" }
        public var queryNorm: String { prefix + "attn_q_norm.weight" }
        public var keyNorm: String { prefix + "attn_k_norm.weight" }
        public var attentionOutput: String { prefix + "attn_output.weight" }
        public var postAttentionNorm: String { prefix + "post_attention_norm.weight" }
        public var ffnNorm: String { prefix + "ffn_norm.weight" }
        public var ffnGate: String { prefix + "ffn_gate.weight" }
        public var ffnUp: String { prefix + "ffn_up.weight" }
        public var ffnDown: String { prefix + "ffn_down.weight" }
        public var postFFNNorm: String { prefix + "post_ffw_norm.weight" }
    }
}
