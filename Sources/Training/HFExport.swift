import Architectures
import Foundation
import ModelFiles
import Tokenization

/// Writes a `DecoderGraph` as a transformers model folder that `AutoModelForCausalLM.from_pretrained`
/// loads (`LlamaForCausalLM`, `Qwen2ForCausalLM`, `GPT2LMHeadModel`):
///
///     config.json              HFConfig
///     model.safetensors        transformers' tensor names (HFTensorNames), metadata {"format": "pt"};
///                              a tied LM head is not stored (transformers re-ties it on load)
///     tokenizer.json           copied byte for byte, when given
///     generation_config.json   BOS/EOS ids, when the tokenizer names any
///
/// LoRA adapters are folded into their weights (save them separately with `PEFTAdapters.save`
/// on an exported base instead, to keep them apart). Every file is written atomically.
public enum HFExport {
    /// The dtype of the stored tensors.
    public enum DType: String, Sendable, CaseIterable {
        case f32, f16, bf16

        var safeTensors: SafeTensorsDType {
            switch self {
            case .f32: return .f32
            case .f16: return .f16
            case .bf16: return .bf16
            }
        }

        /// The name config.json's `torch_dtype` gives it.
        var torchName: String {
            switch self {
            case .f32: return "float32"
            case .f16: return "float16"
            case .bf16: return "bfloat16"
            }
        }
    }

    /// What to write besides the weights.
    public struct Options: Sendable {
        public var dtype: DType
        /// A `tokenizer.json` to copy into the folder; its BOS/EOS/padding ids
        /// (`GGUFExport.vocabulary(contentsOf:)`) go to config.json and generation_config.json.
        public var tokenizerPath: String?
        public init(dtype: DType = .f32, tokenizerPath: String? = nil) {
            self.dtype = dtype; self.tokenizerPath = tokenizerPath
        }
    }

    /// Writes `graph` into `directory` (created when missing; files of the same names replaced).
    public static func write(_ graph: DecoderGraph, to directory: String, options: Options = Options()) throws(ExportError) {
        let c = graph.config
        let family = try ExportFamily(c, format: "HF")
        var special = SpecialTokenIDs()
        var tokenizerBytes: [UInt8]?
        if let path = options.tokenizerPath {
            special = try GGUFExport.vocabulary(contentsOf: path).special
            guard let data = FileManager.default.contents(atPath: path) else { throw .io(path: path, reason: "cannot read") }
            tokenizerBytes = Array(data)
        }
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw .io(path: directory, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        let names = HFTensorNames(family: family, config: c)
        var st = SafeTensorsWriter(metadata: ["format": "pt"])
        for p in try graph.exportedParameters() {
            guard let (name, layout) = names.hfName(p.name) else {
                throw .unsupported(format: "HF", reason: "no transformers name for tensor '\(p.name)'")
            }
            do { try st.add(name, shape: layout.hfShape(p.shape), floats: layout.toHF(p.values, shape: p.shape), as: options.dtype.safeTensors) } catch {
                throw .io(path: directory + "/model.safetensors", reason: error.description)
            }
        }
        let modelPath = directory + "/model.safetensors"
        do { try st.write(to: modelPath) } catch { throw .io(path: modelPath, reason: error.description) }
        let config = HFConfig.json(c, family: family, special: special, dtype: options.dtype.torchName)
        try writeJSON(config, to: directory + "/config.json")
        if let tokenizerBytes { try writeBytes(tokenizerBytes, to: directory + "/tokenizer.json") }
        if special.bos != nil || special.eos != nil {
            var g = TemplateObject()
            g["_from_model_config"] = true
            if let b = special.bos { g["bos_token_id"] = .int(b) }
            if let e = special.eos { g["eos_token_id"] = .int(e) }
            if let p = special.padding { g["pad_token_id"] = .int(p) }
            try writeJSON(.object(g), to: directory + "/generation_config.json")
        }
    }

    /// `value` as transformers writes its JSON files: two-space indent, sorted keys, a final newline.
    static func writeJSON(_ value: TemplateValue, to path: String) throws(ExportError) {
        try writeBytes(Array((value.jsonString(indent: 2, sortKeys: true) + "\n").utf8), to: path)
    }

    static func writeBytes(_ bytes: [UInt8], to path: String) throws(ExportError) {
        do { try writeFileAtomically(path: path, bytes: bytes) } catch { throw .io(path: path, reason: error.description) }
    }
}
