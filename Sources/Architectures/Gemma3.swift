import ModelFiles

/// Gemma 3 (`general.architecture = gemma3`), as llama.cpp computes it.
///
/// - input embedding × √n_embd;
/// - every norm is RMSNorm with the GGUF weight used as is (the converter already added HF's +1);
/// - per-head QK-norm before RoPE; RoPE NeoX with θ = 10 000 on sliding-window layers and the
///   file's θ (1 000 000) on global layers;
/// - queries scaled by 1/√head_dim (query_pre_attn_scalar = head_dim = 256);
/// - sliding window of 512 on five layers of every six (layer l is global iff l % 6 == 5);
/// - post-attention and post-FFN RMSNorms before each residual add;
/// - GELU (tanh)-gated FFN; tied LM head; no logit soft-capping.
public enum Gemma3 {
    /// Layers per repeat of the local/global pattern (five sliding, then one global).
    public static let slidingPattern = 6
    /// RoPE base of sliding layers (not stored in the GGUF; llama.cpp's default).
    public static let localRopeBase: Float = 10_000

    public static func config(_ gguf: GGUFFile) throws(ArchitectureError) -> DecoderConfig {
        let hp = HyperParameters(gguf: gguf, architecture: "gemma3")
        var c = try hp.common(ropeMode: .neox)
        c.rmsNormEpsilon = try hp.float("attention.layer_norm_rms_epsilon", default: 1e-6)
        c.ropeBase = try hp.float("rope.freq_base", default: 1_000_000)
        c.localRopeBase = localRopeBase
        c.slidingWindow = try hp.int("attention.sliding_window", default: 512)
        c.slidingLayers = (0..<c.layerCount).map { $0 % slidingPattern < slidingPattern - 1 }
        c.embeddingScale = Float(c.embeddingLength).squareRoot()
        c.attentionScale = 1 / Float(c.headDimension).squareRoot()
        c.activation = .geluTanh
        c.hasQKNorm = true
        c.hasPostNorms = true
        return c
    }
}
