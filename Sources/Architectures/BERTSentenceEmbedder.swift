import Compute
import Tokenization

/// Sentence embeddings from a sentence-transformers BERT model (all-MiniLM-L6-v2 by default):
/// WordPiece ids (`[CLS] … [SEP]`, truncated to `maxSequenceLength`), the BERT encoder, the
/// mean of the last hidden states over the sequence's tokens, then L2 normalisation, as
/// sentence-transformers' Transformer → Pooling(mean) → Normalize does it.
public struct SentenceEmbedder: Sendable {
    /// The tokenizer (its `config.maxSequenceLength` is sentence-transformers' `max_seq_length`).
    public let tokenizer: WordPieceTokenizer
    /// The encoder.
    public let model: BERTModel
    /// Tokens per forward pass: texts are packed into batches of at most this many tokens
    /// (a single longer text runs alone). 8192 keeps the activations at ~70 MB for MiniLM.
    public var batchTokens: Int = 8192

    /// Pairs a tokenizer and a model. Throws `.badConfig` when the tokenizer's vocabulary is
    /// larger than the model's or its sequence limit longer than the model's positions.
    public init(tokenizer: WordPieceTokenizer, model: BERTModel) throws(BERTError) {
        guard tokenizer.vocabularySize <= model.config.vocabularySize else {
            throw .badConfig(path: "config.json", key: "vocab_size",
                             reason: "\(model.config.vocabularySize) is smaller than the tokenizer's \(tokenizer.vocabularySize) entries")
        }
        guard tokenizer.config.maxSequenceLength <= model.config.maxPositions else {
            throw .badConfig(path: "sentence_bert_config.json", key: "max_seq_length",
                             reason: "\(tokenizer.config.maxSequenceLength) exceeds max_position_embeddings \(model.config.maxPositions)")
        }
        self.tokenizer = tokenizer
        self.model = model
    }

    /// Loads a sentence-transformers folder: `config.json`, `model.safetensors`, the tokenizer
    /// files and `sentence_bert_config.json`. Only mean pooling + normalisation is implemented,
    /// which is what all-MiniLM-L6-v2's `modules.json` asks for.
    public static func load(folder: String) throws(BERTError) -> SentenceEmbedder {
        let model = try BERTModel(folder: folder)
        let tokenizer: WordPieceTokenizer
        do { tokenizer = try WordPieceTokenizer.load(folder: folder) } catch { throw .tokenizer(error) }
        return try SentenceEmbedder(tokenizer: tokenizer, model: model)
    }

    /// Loads the model `SentenceEmbeddingModelLocator.locate()` finds.
    public static func locate() throws(BERTError) -> SentenceEmbedder {
        try load(folder: try SentenceEmbeddingModelLocator.locate())
    }

    /// Width of the embeddings (384 for MiniLM).
    public var dimension: Int { model.config.hiddenSize }

    /// The WordPiece tokens of `text` without `[CLS]`/`[SEP]` or truncation: what chunking by the
    /// model's tokens counts (BERT splits at whitespace first, so pieces of a text add up to it).
    public func tokenCount(_ text: Substring) -> Int { tokenizer.encodeWithoutSpecialTokens(String(text)).count }

    /// The tokens of `text` as encoded for embedding, `[CLS]`/`[SEP]` included, before truncation
    /// to `maxSequenceLength`: more than that means only the first part of the text is embedded.
    public func untruncatedLength(_ text: String) -> Int { tokenCount(Substring(text)) + 2 }

    /// Longest input in tokens, `[CLS]`/`[SEP]` included; longer texts are truncated.
    public var maxSequenceLength: Int { tokenizer.config.maxSequenceLength }

    /// One unit-length vector of `dimension` floats per text, in order. The empty text still
    /// has `[CLS] [SEP]` and so an embedding.
    public func embed(_ texts: [String], pool: ThreadPool? = .shared) -> [[Float]] {
        embed(encoded: texts.map { tokenizer.encode($0) }, pool: pool)
    }

    /// `embed(_:)` of texts already encoded by `tokenizer` (ids within its vocabulary, at most
    /// `maxSequenceLength` each), packed into forward passes of at most `batchTokens` tokens.
    public func embed(encoded ids: [[Int]], pool: ThreadPool? = .shared) -> [[Float]] {
        var out = [[Float]]()
        out.reserveCapacity(ids.count)
        var start = 0
        while start < ids.count {
            var end = start, tokens = 0
            while end < ids.count && (end == start || tokens + ids[end].count <= batchTokens) { tokens += ids[end].count; end += 1 }
            // Cannot throw: init checked that every id and length the tokenizer makes fits the model.
            let batch = Array(ids[start..<end])
            out += (try? embed(ids: batch, pool: pool)) ?? batch.map { _ in [Float](repeating: 0, count: dimension) }
            start = end
        }
        return out
    }

    /// Embeddings of token-id sequences (each with its `[CLS]`/`[SEP]`), one forward pass.
    public func embed(ids: [[Int]], pool: ThreadPool? = .shared) throws(BERTError) -> [[Float]] {
        let packed = try model.forward(ids, pool: pool)
        return (0..<ids.count).map { Self.meanPooledNormalized(packed, sequence: $0, width: dimension) }
    }

    /// Mean of rows offsets[n] ..< offsets[n+1] of the packed hidden states, scaled to unit
    /// length (sentence-transformers divides by max(norm, 1e-12)).
    static func meanPooledNormalized(_ packed: BERTModel.PackedOutput, sequence n: Int, width h: Int) -> [Float] {
        let from = packed.offsets[n], to = packed.offsets[n + 1]
        var mean = [Float](repeating: 0, count: h)
        if to == from { return mean }
        for r in from..<to { for c in 0..<h { mean[c] += packed.hidden[r * h + c] } }
        let count = Float(to - from)
        var norm: Float = 0
        for c in 0..<h { mean[c] /= count; norm += mean[c] * mean[c] }
        let scale = 1 / max(norm.squareRoot(), 1e-12)
        return mean.map { $0 * scale }
    }
}
