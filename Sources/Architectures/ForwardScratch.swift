import Compute

/// Activation buffers for a forward pass over up to `tokens` tokens at once, allocated once and
/// reused for every step (no allocation in the forward's loops).
final class ForwardScratch {
    let tokens: Int
    /// Residual stream: (tokens, embedding).
    let x: FloatBuffer
    /// Normalised input of a sub-block: (tokens, embedding).
    let h: FloatBuffer
    /// (tokens, queryWidth), (tokens, kvWidth) ×2, (tokens, queryWidth)
    let q, k, v, attention: FloatBuffer
    /// Output of a projection back to the residual width: (tokens, embedding).
    let projected: FloatBuffer
    /// FFN gate and up: (tokens, feedForward).
    let gate, up: FloatBuffer
    /// RoPE cos/sin tables per token: (tokens, ropeDimensions), for the global and local bases.
    let ropeGlobal, ropeLocal: FloatBuffer
    /// Quantized forms of the current matmul input.
    let input: MatmulInput

    init(config c: DecoderConfig, tokens: Int) {
        self.tokens = tokens
        x = FloatBuffer(count: tokens * c.embeddingLength)
        h = FloatBuffer(count: tokens * c.embeddingLength)
        q = FloatBuffer(count: tokens * c.queryWidth)
        k = FloatBuffer(count: tokens * c.kvWidth)
        v = FloatBuffer(count: tokens * c.kvWidth)
        attention = FloatBuffer(count: tokens * c.queryWidth)
        projected = FloatBuffer(count: tokens * c.embeddingLength)
        gate = FloatBuffer(count: tokens * c.feedForwardLength)
        up = FloatBuffer(count: tokens * c.feedForwardLength)
        ropeGlobal = FloatBuffer(count: tokens * c.ropeDimensions)
        ropeLocal = FloatBuffer(count: tokens * c.ropeDimensions)
        input = MatmulInput(maxTokens: tokens,
                            maxColumns: max(c.embeddingLength, c.queryWidth, c.feedForwardLength))
    }
}
