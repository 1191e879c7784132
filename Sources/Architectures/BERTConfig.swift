import Foundation
import ModelFiles

/// The hyper-parameters of a BERT encoder (HF `BertConfig`, `config.json`). Defaults are
/// all-MiniLM-L6-v2's.
public struct BERTConfig: Codable, Sendable, Equatable {
    /// Token embeddings and hidden state width.
    public var hiddenSize: Int = 384
    /// Encoder layers.
    public var layerCount: Int = 6
    /// Attention heads per layer; `hiddenSize` must be a multiple.
    public var headCount: Int = 12
    /// Width of the feed-forward layer.
    public var intermediateSize: Int = 1536
    /// Rows of the position-embedding table: the longest input the model can take.
    public var maxPositions: Int = 512
    /// Rows of the token-type table (only type 0 is used for single sentences).
    public var typeVocabularySize: Int = 2
    /// Rows of the word-embedding table.
    public var vocabularySize: Int = 30522
    /// LayerNorm epsilon (BERT: 1e-12).
    public var layerNormEpsilon: Float = 1e-12

    /// The defaults above.
    public init() {}

    /// Width of one attention head.
    public var headSize: Int { hiddenSize / headCount }

    /// Reads HF's `config.json`. Only `hidden_act` "gelu" (the erf form) and absolute position
    /// embeddings are supported.
    public static func load(path: String) throws(BERTError) -> BERTConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .fileAccess(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
        }
        let json: JSONValue
        do { json = try JSONValue.parse([UInt8](data)) } catch {
            throw .fileAccess(path: path, reason: "not valid JSON: \(error)")
        }
        func int(_ key: String) throws(BERTError) -> Int {
            guard let v = json[key]?.int, v > 0 else { throw .badConfig(path: path, key: key, reason: "missing or not a positive integer") }
            return v
        }
        var c = BERTConfig()
        c.hiddenSize = try int("hidden_size")
        c.layerCount = try int("num_hidden_layers")
        c.headCount = try int("num_attention_heads")
        c.intermediateSize = try int("intermediate_size")
        c.maxPositions = try int("max_position_embeddings")
        c.typeVocabularySize = try int("type_vocab_size")
        c.vocabularySize = try int("vocab_size")
        if case .number(let eps, _)? = json["layer_norm_eps"] { c.layerNormEpsilon = Float(eps) }
        guard c.hiddenSize % c.headCount == 0 else {
            throw .badConfig(path: path, key: "num_attention_heads", reason: "\(c.headCount) does not divide hidden_size \(c.hiddenSize)")
        }
        if let act = json["hidden_act"]?.string, act != "gelu" {
            throw .badConfig(path: path, key: "hidden_act", reason: "'\(act)' (supported: gelu)")
        }
        if let kind = json["position_embedding_type"]?.string, kind != "absolute" {
            throw .badConfig(path: path, key: "position_embedding_type", reason: "'\(kind)' (supported: absolute)")
        }
        return c
    }
}
