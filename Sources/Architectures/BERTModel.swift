import Compute
import ModelFiles

/// A BERT encoder (HF `BertModel` without the pooler): embeddings (word + absolute position +
/// token type 0, LayerNorm), then post-LN layers of multi-head self-attention and a GELU
/// feed-forward block. Weights are f32, Linear weights kept PyTorch-style as (out, in).
///
/// `forward` (BERTModel+Forward.swift) runs a packed batch on the GEMM kernels;
/// `referenceForward` (BERTModel+Reference.swift) is the plain loop version tests hold it to.
public final class BERTModel: Sendable {
    /// One encoder layer's weights. Shapes in (out, in).
    struct Layer: Sendable {
        /// Query, key and value stacked: (3H, H) and (3H).
        let qkvWeight: [Float], qkvBias: [Float]
        /// attention.output.dense: (H, H), (H).
        let attentionOutWeight: [Float], attentionOutBias: [Float]
        /// attention.output.LayerNorm: (H).
        let attentionNormWeight: [Float], attentionNormBias: [Float]
        /// intermediate.dense: (I, H), (I).
        let intermediateWeight: [Float], intermediateBias: [Float]
        /// output.dense: (H, I), (H).
        let outputWeight: [Float], outputBias: [Float]
        /// output.LayerNorm: (H).
        let outputNormWeight: [Float], outputNormBias: [Float]
        /// The four matrices transposed and packed once for GEMM (op(B) = Wᵀ), so that forward
        /// calls, batch 1 above all, do not repack them.
        let qkvPacked: GEMMPackedB, attentionOutPacked: GEMMPackedB, intermediatePacked: GEMMPackedB, outputPacked: GEMMPackedB
    }

    /// Wᵀ of a weight stored (outputs, inputs), packed for `GEMM.multiply(packedB:)`.
    static func packed(_ w: [Float], outputs: Int, inputs: Int) -> GEMMPackedB {
        w.withUnsafeBufferPointer { GEMMPackedB(k: inputs, n: outputs, b: $0.baseAddress!, ldb: inputs, transposeB: true) }
    }

    /// The hyper-parameters.
    public let config: BERTConfig
    /// embeddings.word_embeddings (V, H), position_embeddings (P, H), token_type_embeddings row 0 (H).
    let wordEmbeddings: [Float], positionEmbeddings: [Float], typeEmbedding: [Float]
    /// embeddings.LayerNorm (H).
    let embeddingNormWeight: [Float], embeddingNormBias: [Float]
    let layers: [Layer]

    /// Loads `model.safetensors` (tensor names with or without a `bert.` prefix).
    public init(config: BERTConfig, weights: SafeTensorsFile) throws(BERTError) {
        self.config = config
        let prefix = weights.tensorsByName["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        let h = config.hiddenSize, i = config.intermediateSize
        func load(_ name: String, _ shape: [Int]) throws(BERTError) -> [Float] {
            let info: SafeTensorInfo
            do { info = try weights.tensor(prefix + name) } catch { throw .weights(error) }
            guard info.shape == shape else { throw .wrongShape(path: weights.path, tensor: prefix + name, expected: shape, found: info.shape) }
            do { return try weights.floats(of: info) } catch { throw .weights(error) }
        }
        wordEmbeddings = try load("embeddings.word_embeddings.weight", [config.vocabularySize, h])
        positionEmbeddings = try load("embeddings.position_embeddings.weight", [config.maxPositions, h])
        typeEmbedding = Array(try load("embeddings.token_type_embeddings.weight", [config.typeVocabularySize, h])[0..<h])
        embeddingNormWeight = try load("embeddings.LayerNorm.weight", [h])
        embeddingNormBias = try load("embeddings.LayerNorm.bias", [h])
        var layers = [Layer]()
        for n in 0..<config.layerCount {
            let p = "encoder.layer.\(n)."
            let qkv = try load(p + "attention.self.query.weight", [h, h]) + (try load(p + "attention.self.key.weight", [h, h]))
                + (try load(p + "attention.self.value.weight", [h, h]))
            let attentionOut = try load(p + "attention.output.dense.weight", [h, h])
            let intermediate = try load(p + "intermediate.dense.weight", [i, h])
            let output = try load(p + "output.dense.weight", [h, i])
            layers.append(Layer(
                qkvWeight: qkv,
                qkvBias: try load(p + "attention.self.query.bias", [h]) + (try load(p + "attention.self.key.bias", [h]))
                    + (try load(p + "attention.self.value.bias", [h])),
                attentionOutWeight: attentionOut,
                attentionOutBias: try load(p + "attention.output.dense.bias", [h]),
                attentionNormWeight: try load(p + "attention.output.LayerNorm.weight", [h]),
                attentionNormBias: try load(p + "attention.output.LayerNorm.bias", [h]),
                intermediateWeight: intermediate,
                intermediateBias: try load(p + "intermediate.dense.bias", [i]),
                outputWeight: output,
                outputBias: try load(p + "output.dense.bias", [h]),
                outputNormWeight: try load(p + "output.LayerNorm.weight", [h]),
                outputNormBias: try load(p + "output.LayerNorm.bias", [h]),
                qkvPacked: Self.packed(qkv, outputs: 3 * h, inputs: h),
                attentionOutPacked: Self.packed(attentionOut, outputs: h, inputs: h),
                intermediatePacked: Self.packed(intermediate, outputs: i, inputs: h),
                outputPacked: Self.packed(output, outputs: h, inputs: i)))
        }
        self.layers = layers
    }

    /// Loads `config.json` and `model.safetensors` from a model folder.
    public convenience init(folder: String) throws(BERTError) {
        let config = try BERTConfig.load(path: folder + "/config.json")
        let weights: SafeTensorsFile
        do { weights = try SafeTensorsFile(path: folder + "/model.safetensors") } catch { throw .weights(error) }
        try self.init(config: config, weights: weights)
    }

    /// Throws `.badInput` unless every id is in the vocabulary and each sequence fits the
    /// position table.
    func validate(_ sequences: [[Int]]) throws(BERTError) {
        for (n, ids) in sequences.enumerated() {
            if ids.count > config.maxPositions {
                throw .badInput(sequence: n, reason: "\(ids.count) tokens, more than the model's \(config.maxPositions) positions")
            }
            if let bad = ids.first(where: { $0 < 0 || $0 >= config.vocabularySize }) {
                throw .badInput(sequence: n, reason: "token id \(bad) outside the vocabulary of \(config.vocabularySize)")
            }
        }
    }
}
