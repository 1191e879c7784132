import Compute

extension DecoderConfig {
    /// A GPT-2-style decoder (GGUF architecture `gpt2`): LayerNorm with biases, learned absolute
    /// positions, one fused QKV projection, a 4×-wide tanh-GELU MLP, biases everywhere, the LM head
    /// tied to the token embedding (nanoGPT's model).
    public static func gpt2(vocabulary: Int, context: Int, layers: Int, heads: Int, width: Int,
                            feedForward: Int? = nil) -> DecoderConfig {
        precondition(width % heads == 0, "width \(width) is not a multiple of \(heads) heads")
        var c = DecoderConfig(
            architecture: "gpt2", layerCount: layers, embeddingLength: width, feedForwardLength: feedForward ?? 4 * width,
            headCount: heads, kvHeadCount: heads, headDimension: width / heads, vocabularySize: vocabulary,
            contextLength: context, rmsNormEpsilon: 1e-5, ropeMode: .normal, ropeDimensions: width / heads,
            ropeBase: 10_000, localRopeBase: nil, slidingWindow: nil, slidingLayers: Array(repeating: false, count: layers),
            embeddingScale: nil, attentionScale: 1 / Float(width / heads).squareRoot(), activation: .geluTanh,
            hasQKVBias: false, hasQKNorm: false, hasPostNorms: false, tiedEmbeddings: true)
        c.normalization = .layer
        c.learnedPositions = true
        c.gatedFeedForward = false
        c.hasBiases = true
        return c
    }

    /// A Llama-style decoder (GGUF architecture `llama`): RMSNorm, RoPE on adjacent pairs (llama.cpp's
    /// layout for `llama` files), grouped-query attention, a SwiGLU feed-forward, no biases.
    public static func llama(vocabulary: Int, context: Int, layers: Int, heads: Int, kvHeads: Int? = nil,
                             width: Int, feedForward: Int, ropeBase: Float = 10_000, tiedEmbeddings: Bool = true,
                             rmsNormEpsilon: Float = 1e-5) -> DecoderConfig {
        precondition(width % heads == 0, "width \(width) is not a multiple of \(heads) heads")
        let kv = kvHeads ?? heads
        precondition(heads % kv == 0, "\(kv) KV heads do not divide \(heads) heads")
        return DecoderConfig(
            architecture: "llama", layerCount: layers, embeddingLength: width, feedForwardLength: feedForward,
            headCount: heads, kvHeadCount: kv, headDimension: width / heads, vocabularySize: vocabulary,
            contextLength: context, rmsNormEpsilon: rmsNormEpsilon, ropeMode: .normal, ropeDimensions: width / heads,
            ropeBase: ropeBase, localRopeBase: nil, slidingWindow: nil, slidingLayers: Array(repeating: false, count: layers),
            embeddingScale: nil, attentionScale: 1 / Float(width / heads).squareRoot(), activation: .silu,
            hasQKVBias: false, hasQKNorm: false, hasPostNorms: false, tiedEmbeddings: tiedEmbeddings)
    }
}
