import Architectures
import ModelFiles

extension GGUFExport {
    /// The `<architecture>.*` keys llama.cpp reads for the family (its `llm_load_hparams`), in the
    /// order its converter writes them:
    ///
    /// | key | llama / qwen2 | gpt2 |
    /// |---|---|---|
    /// | `vocab_size`, `context_length`, `embedding_length`, `block_count`, `feed_forward_length` | ✓ | ✓ |
    /// | `attention.head_count` | ✓ | ✓ |
    /// | `attention.head_count_kv` | ✓ | |
    /// | `rope.freq_base`, `rope.dimension_count` | ✓ | |
    /// | `attention.layer_norm_rms_epsilon` | ✓ | |
    /// | `attention.layer_norm_epsilon` | | ✓ |
    /// | `attention.key_length`, `attention.value_length` | when head dim ≠ width / heads | |
    static func setHyperParameters(_ w: inout GGUFWriter, _ c: DecoderConfig, _ family: ExportFamily) {
        let a = c.architecture
        func int(_ key: String, _ v: Int) { w.set("\(a).\(key)", .uint32(UInt32(v))) }
        int("vocab_size", c.vocabularySize)
        int("context_length", c.contextLength)
        int("embedding_length", c.embeddingLength)
        int("block_count", c.layerCount)
        int("feed_forward_length", c.feedForwardLength)
        int("attention.head_count", c.headCount)
        switch family {
        case .llama, .qwen2:
            int("attention.head_count_kv", c.kvHeadCount)
            w.set("\(a).rope.freq_base", .float32(c.ropeBase))
            w.set("\(a).attention.layer_norm_rms_epsilon", .float32(c.rmsNormEpsilon))
            int("rope.dimension_count", c.ropeDimensions)
            if c.headDimension * c.headCount != c.embeddingLength {
                int("attention.key_length", c.headDimension)
                int("attention.value_length", c.headDimension)
            }
        case .gpt2:
            w.set("\(a).attention.layer_norm_epsilon", .float32(c.rmsNormEpsilon))
        }
    }
}
