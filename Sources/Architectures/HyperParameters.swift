import ModelFiles

/// Reads `<architecture>.<key>` hyper-parameters from GGUF metadata, with errors that name the
/// key and bounds that keep a corrupt file from asking for absurd allocations.
struct HyperParameters {
    let gguf: GGUFFile
    let architecture: String

    func int(_ key: String, default value: Int? = nil, range: ClosedRange<Int> = 1...(1 << 24)) throws(ArchitectureError) -> Int {
        let full = "\(architecture).\(key)"
        let found: Int
        do {
            if let v = try gguf.optionalInt(full) { found = v } else if let value { found = value } else {
                throw ArchitectureError.badHyperParameter(path: gguf.path, key: full, reason: "missing")
            }
        } catch let e as ModelFileError { throw .file(e) } catch let e as ArchitectureError { throw e } catch {
            throw .badHyperParameter(path: gguf.path, key: full, reason: "\(error)")
        }
        guard range.contains(found) else {
            throw .badHyperParameter(path: gguf.path, key: full, reason: "value \(found) outside \(range)")
        }
        return found
    }

    func float(_ key: String, default value: Float? = nil) throws(ArchitectureError) -> Float {
        let full = "\(architecture).\(key)"
        do {
            if let v = try gguf.optionalFloat(full) {
                guard v.isFinite, v > 0 else {
                    throw ArchitectureError.badHyperParameter(path: gguf.path, key: full, reason: "value \(v) is not a positive number")
                }
                return v
            }
        } catch let e as ModelFileError { throw .file(e) } catch let e as ArchitectureError { throw e } catch {
            throw .badHyperParameter(path: gguf.path, key: full, reason: "\(error)")
        }
        guard let value else { throw .badHyperParameter(path: gguf.path, key: full, reason: "missing") }
        return value
    }

    /// The common core every decoder family shares.
    func common(ropeMode: RoPEModeChoice) throws(ArchitectureError) -> DecoderConfig {
        let embedding = try int("embedding_length")
        let heads = try int("attention.head_count", range: 1...4096)
        let kvHeads = try int("attention.head_count_kv", default: heads, range: 1...heads)
        guard heads % kvHeads == 0 else {
            throw .badHyperParameter(path: gguf.path, key: "\(architecture).attention.head_count_kv",
                                     reason: "\(kvHeads) does not divide the \(heads) query heads")
        }
        let headDim = try int("attention.key_length", default: embedding / heads, range: 1...1024)
        let tokens: Int?
        do { tokens = try gguf.optionalArray("tokenizer.ggml.tokens")?.count } catch { throw .file(error) }
        let vocab = try int("vocab_size", default: tokens)
        let layers = try int("block_count", range: 1...1024)
        let ropeDims = try int("rope.dimension_count", default: headDim, range: 2...headDim)
        return DecoderConfig(
            architecture: architecture, layerCount: layers, embeddingLength: embedding,
            feedForwardLength: try int("feed_forward_length"), headCount: heads, kvHeadCount: kvHeads,
            headDimension: headDim, vocabularySize: vocab, contextLength: try int("context_length", default: 2048),
            rmsNormEpsilon: try float("attention.layer_norm_rms_epsilon", default: 1e-5),
            ropeMode: ropeMode == .neox ? .neox : .normal, ropeDimensions: ropeDims,
            ropeBase: try float("rope.freq_base", default: 10_000), localRopeBase: nil, slidingWindow: nil,
            slidingLayers: Array(repeating: false, count: layers), embeddingScale: nil,
            attentionScale: 1 / Float(headDim).squareRoot(), activation: .silu, hasQKVBias: false,
            hasQKNorm: false, hasPostNorms: false, tiedEmbeddings: gguf.tensorsByName[WeightNames.output] == nil)
    }

    enum RoPEModeChoice { case normal, neox }
}
