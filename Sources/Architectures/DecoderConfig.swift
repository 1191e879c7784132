import Compute

/// Hyper-parameters and structural choices of a decoder-only transformer. The families
/// (Llama.swift, Qwen2.swift, Gemma3.swift) read them from GGUF metadata; one forward pass
/// (DecoderModel+Forward.swift) serves them all.
public struct DecoderConfig: Sendable, Equatable {
    public enum Activation: Sendable, Equatable {
        /// SiLU-gated FFN (Llama, Qwen2).
        case silu
        /// GELU (tanh approximation)-gated FFN (Gemma).
        case geluTanh
    }

    /// GGUF `general.architecture` (`llama`, `qwen2`, `gemma3`).
    public var architecture: String
    public var layerCount: Int
    /// Width of the residual stream (n_embd).
    public var embeddingLength: Int
    /// Hidden width of the gated FFN (n_ff).
    public var feedForwardLength: Int
    public var headCount: Int
    /// Key/value heads (< headCount for grouped-query attention, 1 for multi-query).
    public var kvHeadCount: Int
    /// Dimensions per attention head (may differ from embeddingLength / headCount, as in Gemma 3).
    public var headDimension: Int
    public var vocabularySize: Int
    /// The context length the model was trained for.
    public var contextLength: Int
    public var rmsNormEpsilon: Float
    public var ropeMode: RoPE.Mode
    /// Rotated dimensions per head.
    public var ropeDimensions: Int
    public var ropeBase: Float
    /// RoPE base of sliding-window (local) layers, when it differs (Gemma 3: 10 000).
    public var localRopeBase: Float?
    /// Tokens a sliding-window layer attends to (itself included), nil when no layer slides.
    public var slidingWindow: Int?
    /// Per layer: true when the layer uses the sliding window.
    public var slidingLayers: [Bool]
    /// Multiplier of the input embedding (Gemma: √n_embd), nil for none.
    public var embeddingScale: Float?
    /// Query scale before softmax (1/√head_dim by default).
    public var attentionScale: Float
    public var activation: Activation
    /// Q, K, V projections carry biases (Qwen2).
    public var hasQKVBias: Bool
    /// Per-head RMSNorm of Q and K before RoPE (Gemma 3).
    public var hasQKNorm: Bool
    /// RMSNorm after attention and after the FFN, before each residual add (Gemma 2/3).
    public var hasPostNorms: Bool
    /// The LM head is the token embedding matrix.
    public var tiedEmbeddings: Bool
    /// RMSNorm (Llama family) or LayerNorm with a bias (GPT-2); `rmsNormEpsilon` is either's epsilon.
    public var normalization: Normalization = .rms
    /// Learned absolute positions (`position_embd.weight`, GPT-2) added to the token embedding,
    /// instead of rotating Q and K (RoPE).
    public var learnedPositions = false
    /// down(act(gate(x)) · up(x)) when true (Llama, Gemma); down(act(up(x))) when false (GPT-2).
    public var gatedFeedForward = true
    /// Every projection and norm carries a bias, and Q, K, V are one fused `attn_qkv` matrix (GPT-2).
    public var hasBiases = false

    public enum Normalization: String, Sendable, Equatable, Codable {
        case rms, layer
    }

    /// Query heads per KV head.
    public var groupSize: Int { headCount / kvHeadCount }
    public var queryWidth: Int { headCount * headDimension }
    public var kvWidth: Int { kvHeadCount * headDimension }
}
