import Compute
import ModelFiles
import Synchronization

/// A decoder-only transformer (Llama, Qwen2, Gemma 3 families) over a mapped GGUF file.
/// Weights stay in the mapping in their file types, except matrices of the types the VNNI kernels
/// repack (Q8_0, Q5_0, Q4_K, Q6_K: `PackedMatrix`), which are copied once into that layout and
/// their file pages released; the small norm vectors and biases are copied out as f32.
public final class DecoderModel: @unchecked Sendable {
    public let config: DecoderConfig
    public let file: GGUFFile
    let tokenEmbedding: WeightMatrix
    let output: WeightMatrix
    let outputNorm: [Float]
    let layers: [DecoderLayer]
    /// Scratch for one forward at a time; forwards on one model serialize on it.
    let scratch = Mutex<ForwardScratch?>(nil)

    /// One transformer block's weights.
    struct DecoderLayer {
        let attentionNorm: [Float]
        let query, key, value, attentionOutput: WeightMatrix
        let queryBias, keyBias, valueBias: [Float]?
        let queryNorm, keyNorm: [Float]?
        let postAttentionNorm: [Float]?
        let ffnNorm: [Float]
        let gate, up, down: WeightMatrix
        let postFFNNorm: [Float]?
    }

    /// Opens the model at `path` (architecture from its metadata).
    public convenience init(path: String) throws(ArchitectureError) {
        let gguf: GGUFFile
        do { gguf = try GGUFFile(path: path) } catch { throw .file(error) }
        try self.init(gguf: gguf)
    }

    public init(gguf: GGUFFile) throws(ArchitectureError) {
        let c = try Architectures.config(gguf)
        config = c
        file = gguf
        let loader = WeightLoader(gguf: gguf)
        tokenEmbedding = try loader.matrix(WeightNames.tokenEmbedding, rows: c.vocabularySize, columns: c.embeddingLength,
                                           forProducts: false)
        output = c.tiedEmbeddings ? loader.forProducts(tokenEmbedding)
            : try loader.matrix(WeightNames.output, rows: c.vocabularySize, columns: c.embeddingLength)
        outputNorm = try loader.vector(WeightNames.outputNorm, count: c.embeddingLength)
        var layers = [DecoderLayer]()
        for l in 0..<c.layerCount {
            let n = WeightNames.Layer(l)
            let d = c.embeddingLength
            layers.append(DecoderLayer(
                attentionNorm: try loader.vector(n.attentionNorm, count: d),
                query: try loader.matrix(n.query, rows: c.queryWidth, columns: d),
                key: try loader.matrix(n.key, rows: c.kvWidth, columns: d),
                value: try loader.matrix(n.value, rows: c.kvWidth, columns: d),
                attentionOutput: try loader.matrix(n.attentionOutput, rows: d, columns: c.queryWidth),
                queryBias: c.hasQKVBias ? try loader.vector(n.queryBias, count: c.queryWidth) : nil,
                keyBias: c.hasQKVBias ? try loader.vector(n.keyBias, count: c.kvWidth) : nil,
                valueBias: c.hasQKVBias ? try loader.vector(n.valueBias, count: c.kvWidth) : nil,
                queryNorm: c.hasQKNorm ? try loader.vector(n.queryNorm, count: c.headDimension) : nil,
                keyNorm: c.hasQKNorm ? try loader.vector(n.keyNorm, count: c.headDimension) : nil,
                postAttentionNorm: c.hasPostNorms ? try loader.vector(n.postAttentionNorm, count: d) : nil,
                ffnNorm: try loader.vector(n.ffnNorm, count: d),
                gate: try loader.matrix(n.ffnGate, rows: c.feedForwardLength, columns: d),
                up: try loader.matrix(n.ffnUp, rows: c.feedForwardLength, columns: d),
                down: try loader.matrix(n.ffnDown, rows: d, columns: c.feedForwardLength),
                postFFNNorm: c.hasPostNorms ? try loader.vector(n.postFFNNorm, count: d) : nil))
        }
        self.layers = layers
    }

    /// A KV cache for one sequence of up to `maxPositions` tokens (default: the model's context).
    public func makeCache(maxPositions: Int? = nil) -> KVCache {
        KVCache(layerCount: config.layerCount, width: config.kvWidth,
                maxPositions: min(maxPositions ?? config.contextLength, config.contextLength))
    }

    /// A paged KV cache of `pageCount` pages of `pageSize` positions, shared by many sequences.
    public func makePagedCache(pageSize: Int, pageCount: Int) -> PagedKVCache {
        PagedKVCache(layerCount: config.layerCount, width: config.kvWidth, pageSize: pageSize, pageCount: pageCount)
    }

    /// Bytes of keys and values per position (all layers).
    public var kvBytesPerPosition: Int { 2 * config.layerCount * config.kvWidth * 4 }

    /// Bytes of weights read per decoded token (every matrix once; an untied embedding one row).
    public var weightBytesPerToken: Int {
        var total = output.byteCount + (config.tiedEmbeddings ? 0 : tokenEmbedding.rowBytes)
        for l in layers {
            total += [l.query, l.key, l.value, l.attentionOutput, l.gate, l.up, l.down].reduce(0) { $0 + $1.byteCount }
        }
        return total
    }
}

/// Reads tensors by name and checks them against the shapes the config implies.
struct WeightLoader {
    let gguf: GGUFFile

    func info(_ name: String, shape: [Int]) throws(ArchitectureError) -> GGUFTensorInfo {
        let t: GGUFTensorInfo
        do { t = try gguf.tensor(name) } catch { throw .file(error) }
        guard t.shape == shape else { throw .wrongShape(path: gguf.path, tensor: name, expected: shape, found: t.shape) }
        guard t.type.isSupported else { throw .unsupportedTensorType(path: gguf.path, tensor: name, type: t.type) }
        return t
    }

    /// A matrix of `rows` × `columns` (GGUF shape [columns, rows]) used in place, or, for
    /// products, packed for the kernels when its type has a packed layout (`forProducts`).
    func matrix(_ name: String, rows: Int, columns: Int, forProducts: Bool = true) throws(ArchitectureError) -> WeightMatrix {
        let t = try info(name, shape: [columns, rows])
        let m = WeightMatrix(type: t.type, rows: rows, columns: columns, data: gguf.data(of: t))
        return forProducts ? self.forProducts(m) : m
    }

    /// `m` with its packed copy when it has one; the file's pages it was copied from are then
    /// released, so that resident memory holds the weights once.
    func forProducts(_ m: WeightMatrix) -> WeightMatrix {
        let packed = m.packedForProducts()
        if packed.packed != nil { gguf.file.releasePages(m.data, count: m.byteCount) }
        return packed
    }

    /// A small vector (norm weight, bias) copied out as f32.
    func vector(_ name: String, count: Int) throws(ArchitectureError) -> [Float] {
        let t = try info(name, shape: [count])
        var out = [Float](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { Quant.dequantizeRow(t.type, gguf.data(of: t), count: count, into: $0.baseAddress!) }
        return out
    }
}
