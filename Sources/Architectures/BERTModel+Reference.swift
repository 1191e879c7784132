#if canImport(Glibc)
import Glibc
#endif

extension BERTModel {
    /// The last hidden state of one sequence, (L, H) row-major, computed with plain loops in the
    /// order HF's BertModel does it. Slow; the reference `forward` is tested against.
    public func referenceForward(_ ids: [Int]) throws(BERTError) -> [Float] {
        try validate([ids])
        let h = config.hiddenSize, l = ids.count, eps = config.layerNormEpsilon
        var x = [Float](repeating: 0, count: l * h)
        for t in 0..<l {
            for c in 0..<h {
                x[t * h + c] = wordEmbeddings[ids[t] * h + c] + positionEmbeddings[t * h + c] + typeEmbedding[c]
            }
        }
        x = Self.referenceLayerNorm(x, embeddingNormWeight, embeddingNormBias, width: h, eps: eps)
        for layer in layers {
            let qkv = Self.referenceLinear(x, layer.qkvWeight, layer.qkvBias, rows: l, inputs: h, outputs: 3 * h)
            let context = referenceAttention(qkv, length: l)
            var a = Self.referenceLinear(context, layer.attentionOutWeight, layer.attentionOutBias, rows: l, inputs: h, outputs: h)
            for j in 0..<a.count { a[j] += x[j] }
            x = Self.referenceLayerNorm(a, layer.attentionNormWeight, layer.attentionNormBias, width: h, eps: eps)
            let i = config.intermediateSize
            let inner = Self.referenceLinear(x, layer.intermediateWeight, layer.intermediateBias, rows: l, inputs: h, outputs: i)
                .map(Self.gelu)
            var o = Self.referenceLinear(inner, layer.outputWeight, layer.outputBias, rows: l, inputs: i, outputs: h)
            for j in 0..<o.count { o[j] += x[j] }
            x = Self.referenceLayerNorm(o, layer.outputNormWeight, layer.outputNormBias, width: h, eps: eps)
        }
        return x
    }

    /// Self-attention of one unpadded sequence. qkv: (L, 3H) as [q | k | v]; returns (L, H).
    func referenceAttention(_ qkv: [Float], length l: Int) -> [Float] {
        let h = config.hiddenSize, d = config.headSize
        let scale = 1 / Float(d).squareRoot()
        var out = [Float](repeating: 0, count: l * h)
        var scores = [Float](repeating: 0, count: l)
        for head in 0..<config.headCount {
            for i in 0..<l {
                var maxScore = -Float.infinity
                for j in 0..<l {
                    var s: Float = 0
                    for c in 0..<d { s += qkv[i * 3 * h + head * d + c] * qkv[j * 3 * h + h + head * d + c] }
                    scores[j] = s * scale
                    maxScore = max(maxScore, scores[j])
                }
                var sum: Float = 0
                for j in 0..<l { scores[j] = expf(scores[j] - maxScore); sum += scores[j] }
                for j in 0..<l {
                    let p = scores[j] / sum
                    for c in 0..<d { out[i * h + head * d + c] += p * qkv[j * 3 * h + 2 * h + head * d + c] }
                }
            }
        }
        return out
    }

    /// y = x·Wᵀ + b. x: (rows, inputs), W: (outputs, inputs), b: (outputs); y: (rows, outputs).
    static func referenceLinear(_ x: [Float], _ w: [Float], _ b: [Float], rows: Int, inputs: Int, outputs: Int) -> [Float] {
        var y = [Float](repeating: 0, count: rows * outputs)
        for r in 0..<rows {
            for o in 0..<outputs {
                var s: Float = 0
                for k in 0..<inputs { s += x[r * inputs + k] * w[o * inputs + k] }
                y[r * outputs + o] = s + b[o]
            }
        }
        return y
    }

    /// LayerNorm of each row of x: (rows, width).
    static func referenceLayerNorm(_ x: [Float], _ w: [Float], _ b: [Float], width: Int, eps: Float) -> [Float] {
        var y = x
        for r in 0..<x.count / width {
            var mean: Float = 0
            for c in 0..<width { mean += x[r * width + c] }
            mean /= Float(width)
            var variance: Float = 0
            for c in 0..<width { let d = x[r * width + c] - mean; variance += d * d }
            let inv = 1 / (variance / Float(width) + eps).squareRoot()
            for c in 0..<width { y[r * width + c] = (x[r * width + c] - mean) * inv * w[c] + b[c] }
        }
        return y
    }
}
