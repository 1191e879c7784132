import Architectures

/// The decoder families export and import know, each checked against the structure its name
/// promises (a `llama` config with biases would not be what llama.cpp or transformers run).
enum ExportFamily: String {
    /// RMSNorm, RoPE on adjacent pairs (llama.cpp's layout of `llama` files), GQA, SwiGLU, no biases.
    case llama
    /// The Llama block with Q/K/V biases and RoPE on halves (NeoX).
    case qwen2
    /// LayerNorm with biases, learned positions, fused QKV, tanh-GELU MLP, biases everywhere.
    case gpt2

    /// The family of `config`, or an error naming what does not fit.
    init(_ c: DecoderConfig, format: String) throws(ExportError) {
        guard let family = ExportFamily(rawValue: c.architecture) else {
            throw .unsupportedArchitecture(c.architecture, format: format)
        }
        let fits: Bool
        switch family {
        case .llama:
            fits = c.normalization == .rms && !c.learnedPositions && c.gatedFeedForward && !c.hasBiases && !c.hasQKVBias
                && c.ropeMode == .normal && c.activation == .silu
        case .qwen2:
            fits = c.normalization == .rms && !c.learnedPositions && c.gatedFeedForward && !c.hasBiases && c.hasQKVBias
                && c.ropeMode == .neox && c.activation == .silu
        case .gpt2:
            fits = c.normalization == .layer && c.learnedPositions && !c.gatedFeedForward && c.hasBiases
                && c.activation == .geluTanh && c.kvHeadCount == c.headCount
        }
        guard fits else {
            throw .unsupported(format: format, reason: "the \(c.architecture) config's structure (norm, positions, biases, RoPE, FFN) is not \(family.rawValue)'s")
        }
        guard c.learnedPositions || c.ropeDimensions == c.headDimension else {
            throw .unsupported(format: format, reason: "RoPE on \(c.ropeDimensions) of \(c.headDimension) head dimensions (partial rotary) is not supported")
        }
        self = family
    }
}
