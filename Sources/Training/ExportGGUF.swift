import Architectures
import Compute
import ModelFiles
import Tokenization

/// Writes a `DecoderGraph` as a GGUF v3 file that llama.cpp (and Ollama) run, and that
/// `DecoderModel` runs for the `llama` and `qwen2` families:
/// - architecture `llama`, `qwen2` or `gpt2`, with the hyper-parameter keys llama.cpp reads for it
///   (`ExportGGUF+Metadata.swift`);
/// - the graph's tensors under their GGUF names (the graph already uses them); LoRA adapters are
///   folded into their weights; a tied LM head is written once, as `token_embd.weight`;
/// - tensor types as llama.cpp's converter (`convert_hf_to_gguf.py`) chooses them: 1-D tensors,
///   norms, biases and `position_embd` stay F32; every other matrix takes the requested type, and a
///   Q8_0 matrix whose rows are not whole 32-value blocks falls back to F16;
/// - the tokenizer (`tokenizer.ggml.*`) and an optional chat template (`ExportGGUF+Tokenizer.swift`).
public enum GGUFExport {
    /// The type of the 2-D weight matrices.
    public enum MatrixType: String, Sendable, CaseIterable {
        case f32, f16, q8_0

        /// The ggml type of the matrices.
        public var ggmlType: GGMLType {
            switch self {
            case .f32: return .f32
            case .f16: return .f16
            case .q8_0: return .q8_0
            }
        }

        /// `general.file_type` (llama.cpp's `LLAMA_FTYPE_ALL_F32` = 0, `MOSTLY_F16` = 1, `MOSTLY_Q8_0` = 7).
        var fileType: UInt32 {
            switch self {
            case .f32: return 0
            case .f16: return 1
            case .q8_0: return 7
            }
        }
    }

    /// What to write besides the weights.
    public struct Options: Sendable {
        /// Type of the 2-D weight matrices (norms and biases stay F32).
        public var type: MatrixType
        /// `general.name` (default: `tern-<architecture>`).
        public var name: String?
        /// `tokenizer.chat_template`, a Jinja template as HF's `tokenizer_config.json` holds it.
        public var chatTemplate: String?

        public init(type: MatrixType = .f32, name: String? = nil, chatTemplate: String? = nil) {
            self.type = type; self.name = name; self.chatTemplate = chatTemplate
        }
    }

    /// The file's contents, ready to serialize. `vocabulary` is the tokenizer (see
    /// `vocabulary(_:)` for one from a `tokenizer.json`); it may hold fewer tokens than the model's
    /// embedding has rows (the rest become unused `[PAD<id>]` entries), never more.
    public static func writer(_ graph: DecoderGraph, vocabulary: Vocabulary, options: Options = Options()) throws(ExportError) -> GGUFWriter {
        let c = graph.config
        let family = try ExportFamily(c, format: "GGUF")
        var w = GGUFWriter()
        w.set("general.architecture", .string(c.architecture))
        w.set("general.name", .string(options.name ?? "tern-\(c.architecture)"))
        w.set("general.file_type", .uint32(options.type.fileType))
        w.set("general.quantization_version", .uint32(2))
        setHyperParameters(&w, c, family)
        try setTokenizer(&w, vocabulary, modelVocabulary: c.vocabularySize, chatTemplate: options.chatTemplate)
        for p in try graph.exportedParameters() {
            let type = tensorType(p.name, shape: p.shape, requested: options.type.ggmlType)
            w.add(GGUFWriter.Tensor(name: p.name, shape: p.shape.reversed(), type: type, data: encode(p.values, shape: p.shape, as: type)))
        }
        return w
    }

    /// Writes the file atomically (a temporary file beside `path`, renamed over it when complete).
    public static func write(_ graph: DecoderGraph, vocabulary: Vocabulary, options: Options = Options(), to path: String) throws(ExportError) {
        let w = try writer(graph, vocabulary: vocabulary, options: options)
        do { try w.write(to: path) } catch { throw .io(path: path, reason: error.description) }
    }

    /// The type llama.cpp's converter gives tensor `name`: F32 for 1-D tensors, norms, biases and
    /// learned positions; `requested` for other matrices, F16 when Q8_0 cannot hold a row.
    static func tensorType(_ name: String, shape: [Int], requested: GGMLType) -> GGMLType {
        if shape.count < 2 || name.hasSuffix("_norm.weight") || !name.hasSuffix(".weight") || name == WeightNames.positionEmbedding {
            return .f32
        }
        if requested.rowBytes(shape.last!) == nil { return .f16 }
        return requested
    }

    /// `values` (row-major, shape (rows, columns) or (n)) in `type`, row by row.
    static func encode(_ values: [Float], shape: [Int], as type: GGMLType) -> [UInt8] {
        let columns = shape.last!, rows = values.count / columns
        let rowBytes = type.rowBytes(columns)!
        var out = [UInt8](repeating: 0, count: rows * rowBytes)
        values.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBytes { dst in
                for r in 0..<rows {
                    Quant.quantizeRow(type, x.baseAddress! + r * columns, count: columns, into: dst.baseAddress! + r * rowBytes)
                }
            }
        }
        return out
    }
}
