import Autodiff
import Compute

/// The decoder of a `DecoderConfig` as a differentiable graph: what training runs. Parameters are
/// f32 tensors named as in GGUF (`WeightNames`), so a trained graph exports to the file that
/// `DecoderModel` and llama.cpp run, and a GGUF model loads as a starting point.
///
/// Supports the GPT-2 style (LayerNorm with biases, learned positions, fused QKV, GELU MLP) and the
/// Llama style (RMSNorm, RoPE, grouped-query attention, SwiGLU; Qwen2's QKV biases). Gemma's extras
/// (post-norms, QK-norm, sliding windows, embedding scale) are refused by `init`.
public final class DecoderGraph {
    public let config: DecoderConfig
    public private(set) var parameters = ParameterSet()
    let tokenEmbedding: Tensor
    let positionEmbedding: Tensor?
    let output: Tensor
    let outputNorm: Tensor, outputNormBias: Tensor?
    let layers: [Layer]
    /// Low-rank adapters by the name of the weight they adapt (`blk.0.attn_q.weight`).
    public var adapters: [String: LoRAAdapter] = [:]
    /// Seed of this step's dropout masks (a trainer sets it per step so that a resumed run draws
    /// the same masks).
    public var dropoutSeed: UInt64 = 0

    struct Layer {
        let names: WeightNames.Layer
        let attentionNorm: Tensor, attentionNormBias: Tensor?
        /// GPT-2: one fused (3·d, d) matrix; Llama: nil, with query/key/value.
        let qkv: Tensor?, qkvBias: Tensor?
        let query: Tensor?, key: Tensor?, value: Tensor?
        let queryBias: Tensor?, keyBias: Tensor?, valueBias: Tensor?
        let attentionOutput: Tensor, attentionOutputBias: Tensor?
        let ffnNorm: Tensor, ffnNormBias: Tensor?
        let gate: Tensor?
        let up: Tensor, upBias: Tensor?
        let down: Tensor, downBias: Tensor?
    }

    /// A graph whose parameters are made by `make(name, shape)` (zeros, random init, or a file's tensors).
    public init(config c: DecoderConfig, make: (String, [Int]) throws -> Tensor) throws {
        guard !c.hasPostNorms, !c.hasQKNorm, c.slidingWindow == nil, c.embeddingScale == nil else {
            throw ArchitectureError.unsupportedForTraining(architecture: c.architecture,
                                                           reason: "post-norms, QK-norm, sliding windows and embedding scales are inference-only")
        }
        guard !c.gatedFeedForward || c.activation == .silu else {
            throw ArchitectureError.unsupportedForTraining(architecture: c.architecture, reason: "GELU-gated feed-forward")
        }
        self.config = c
        var set = ParameterSet()
        func p(_ name: String, _ shape: [Int]) throws -> Tensor {
            let t = try make(name, shape)
            precondition(t.shape == shape, "\(name): \(t.shape), expected \(shape)")
            set.add(name, t)
            return t
        }
        func optional(_ flag: Bool, _ name: String, _ shape: [Int]) throws -> Tensor? { flag ? try p(name, shape) : nil }
        let d = c.embeddingLength, ff = c.feedForwardLength, bias = c.hasBiases, layer = c.normalization == .layer
        tokenEmbedding = try p(WeightNames.tokenEmbedding, [c.vocabularySize, d])
        positionEmbedding = try optional(c.learnedPositions, WeightNames.positionEmbedding, [c.contextLength, d])
        var layers: [Layer] = []
        for l in 0..<c.layerCount {
            let n = WeightNames.Layer(l)
            let fused = c.hasBiases
            layers.append(Layer(
                names: n,
                attentionNorm: try p(n.attentionNorm, [d]), attentionNormBias: try optional(layer, n.attentionNormBias, [d]),
                qkv: try optional(fused, n.qkv, [c.queryWidth + 2 * c.kvWidth, d]),
                qkvBias: try optional(fused, n.qkvBias, [c.queryWidth + 2 * c.kvWidth]),
                query: try optional(!fused, n.query, [c.queryWidth, d]), key: try optional(!fused, n.key, [c.kvWidth, d]),
                value: try optional(!fused, n.value, [c.kvWidth, d]),
                queryBias: try optional(!fused && c.hasQKVBias, n.queryBias, [c.queryWidth]),
                keyBias: try optional(!fused && c.hasQKVBias, n.keyBias, [c.kvWidth]),
                valueBias: try optional(!fused && c.hasQKVBias, n.valueBias, [c.kvWidth]),
                attentionOutput: try p(n.attentionOutput, [d, c.queryWidth]),
                attentionOutputBias: try optional(bias, n.attentionOutputBias, [d]),
                ffnNorm: try p(n.ffnNorm, [d]), ffnNormBias: try optional(layer, n.ffnNormBias, [d]),
                gate: try optional(c.gatedFeedForward, n.ffnGate, [ff, d]),
                up: try p(n.ffnUp, [ff, d]), upBias: try optional(bias, n.ffnUpBias, [ff]),
                down: try p(n.ffnDown, [d, ff]), downBias: try optional(bias, n.ffnDownBias, [d])))
        }
        self.layers = layers
        outputNorm = try p(WeightNames.outputNorm, [d])
        outputNormBias = try optional(layer, WeightNames.outputNormBias, [d])
        output = c.tiedEmbeddings ? tokenEmbedding : try p(WeightNames.output, [c.vocabularySize, d])
        parameters = set
    }

    /// Logits of every position of `batch` sequences laid end to end in `tokens` (each T =
    /// tokens.count / batch long, T ≤ context). → (batch·T, vocabulary).
    public func logits(_ tape: Tape, tokens: [Int32], batch: Int) -> Tensor {
        let c = config, t = tokens.count / batch
        precondition(t * batch == tokens.count && t <= c.contextLength, "\(tokens.count) tokens for batch \(batch)")
        let positions = (0..<batch * t).map { $0 % t }
        var x = tape.embedding(tokens, table: tokenEmbedding)
        if let positionEmbedding {
            x = tape.add(x, tape.embedding(positions.map { Int32($0) }, table: positionEmbedding))
        }
        for layer in layers {
            x = tape.add(x, attention(tape, layer, normalize(tape, x, layer.attentionNorm, layer.attentionNormBias),
                                      positions: positions, batch: batch))
            x = tape.add(x, feedForward(tape, layer, normalize(tape, x, layer.ffnNorm, layer.ffnNormBias)))
        }
        return tape.linear(normalize(tape, x, outputNorm, outputNormBias), weight: output)
    }

    /// Mean next-token cross-entropy: `targets[i]` is the token after `tokens[i]` (−100: not counted).
    public func loss(_ tape: Tape, tokens: [Int32], targets: [Int32], batch: Int) -> Tensor {
        tape.crossEntropy(logits(tape, tokens: tokens, batch: batch), targets: targets)
    }

    func normalize(_ tape: Tape, _ x: Tensor, _ weight: Tensor, _ bias: Tensor?) -> Tensor {
        switch config.normalization {
        case .rms: return tape.rmsNorm(x, weight: weight, eps: config.rmsNormEpsilon)
        case .layer: return tape.layerNorm(x, weight: weight, bias: bias, eps: config.rmsNormEpsilon)
        }
    }

    /// o(attention(q, k, v)) of the normalized input h: (batch·T, d).
    func attention(_ tape: Tape, _ layer: Layer, _ h: Tensor, positions: [Int], batch: Int) -> Tensor {
        let c = config
        let q: HeadView, k: HeadView, v: HeadView
        if let qkv = layer.qkv {
            let fused = project(tape, h, qkv, layer.names.qkv, bias: layer.qkvBias)
            (q, k, v) = (HeadView(fused), HeadView(fused, offset: c.queryWidth), HeadView(fused, offset: c.queryWidth + c.kvWidth))
        } else {
            var qt = project(tape, h, layer.query!, layer.names.query, bias: layer.queryBias)
            var kt = project(tape, h, layer.key!, layer.names.key, bias: layer.keyBias)
            let vt = project(tape, h, layer.value!, layer.names.value, bias: layer.valueBias)
            if !c.learnedPositions {
                let rope = RoPE(mode: c.ropeMode, dimensions: c.ropeDimensions, base: c.ropeBase)
                qt = tape.rope(qt, positions: positions, heads: c.headCount, headDim: c.headDimension, rope: rope)
                kt = tape.rope(kt, positions: positions, heads: c.kvHeadCount, headDim: c.headDimension, rope: rope)
            }
            (q, k, v) = (HeadView(qt), HeadView(kt), HeadView(vt))
        }
        let a = tape.causalAttention(query: q, key: k, value: v, batch: batch, heads: c.headCount,
                                     kvHeads: c.kvHeadCount, headDim: c.headDimension, scale: c.attentionScale)
        return project(tape, a, layer.attentionOutput, layer.names.attentionOutput, bias: layer.attentionOutputBias)
    }

    /// down(act(...)) of the normalized input h.
    func feedForward(_ tape: Tape, _ layer: Layer, _ h: Tensor) -> Tensor {
        let up = project(tape, h, layer.up, layer.names.ffnUp, bias: layer.upBias)
        let hidden: Tensor
        if let gate = layer.gate {
            hidden = tape.swiGLU(gate: project(tape, h, gate, layer.names.ffnGate), up: up)
        } else {
            hidden = tape.gelu(up)
        }
        return project(tape, hidden, layer.down, layer.names.ffnDown, bias: layer.downBias)
    }

    /// x·Wᵀ + b, plus the adapter's scale·B·A·dropout(x) when `name` has one.
    func project(_ tape: Tape, _ x: Tensor, _ weight: Tensor, _ name: String, bias: Tensor? = nil) -> Tensor {
        let y = tape.linear(x, weight: weight, bias: bias)
        guard let lora = adapters[name] else { return y }
        let dropped = tape.dropout(x, probability: lora.dropout, seed: dropoutSeed ^ UInt64(truncatingIfNeeded: name.hashValueStable))
        let low = tape.linear(dropped, weight: lora.a)
        return tape.add(y, tape.linear(low, weight: lora.b), scale: lora.scale)
    }
}

extension DecoderGraph {
    /// A graph with nanoGPT's initialisation from `seed`: matrices and embeddings N(0, 0.02²), the
    /// projections into the residual stream (attention output, FFN down) N(0, (0.02/√(2L))²),
    /// biases 0, norm weights 1.
    public convenience init(config: DecoderConfig, seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let residualStd = 0.02 / Float(2 * config.layerCount).squareRoot()
        try self.init(config: config) { name, shape in
            let t = Tensor(zeros: shape, requiresGrad: true)
            if name.hasSuffix(".bias") { return t }
            if shape.count == 1 { t.fill(1); return t }
            let std: Float = name.hasSuffix("attn_output.weight") || name.hasSuffix("ffn_down.weight") ? residualStd : 0.02
            t.fillNormal(std: std, &rng)
            return t
        }
    }
}
