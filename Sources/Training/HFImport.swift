import Architectures
import Autodiff
import ModelFiles

/// Reads a transformers model folder (`config.json` + `model.safetensors` or its sharded index)
/// of the Llama, Mistral, Qwen2 or GPT-2 family into a `DecoderGraph`, so that fine-tuning can
/// start from a hub checkpoint. F32, F16 and BF16 tensors are read as f32; names and layouts are
/// `HFTensorNames`' (Llama's Q/K rows are permuted back to the adjacent-pairs layout). A tied
/// model's `lm_head.weight`, when stored, is ignored.
public enum HFImport {
    /// The graph of the model in `directory`; its parameters train when `trainable`.
    public static func graph(directory: String, trainable: Bool = true) throws(ExportError) -> DecoderGraph {
        let config = try HFConfig.read(directory + "/config.json")
        let family = try ExportFamily(config, format: "HF import")
        let shards: SafeTensorsShards
        do { shards = try SafeTensorsShards(directory: directory) } catch { throw .io(path: directory, reason: error.description) }
        var names = HFTensorNames(family: family, config: config)
        if family == .gpt2, !shards.names.contains("transformer.wte.weight"), shards.names.contains("wte.weight") {
            names.gpt2Prefix = ""  // the oldest GPT-2 checkpoints
        }
        do {
            return try DecoderGraph(config: config) { name, shape in
                try load(name, shape: shape, names: names, shards: shards, trainable: trainable)
            }
        } catch let e as ExportError {
            throw e
        } catch {
            throw .unsupported(format: "HF import", reason: "\(error)")
        }
    }

    static func load(_ name: String, shape: [Int], names: HFTensorNames, shards: SafeTensorsShards,
                     trainable: Bool) throws(ExportError) -> Tensor {
        guard let (hfName, layout) = names.hfName(name) else {
            throw .unsupported(format: "HF import", reason: "no transformers name for tensor '\(name)'")
        }
        let info: SafeTensorInfo, path: String
        do {
            let found = try shards.tensor(hfName)
            (info, path) = (found.info, found.file.path)
        } catch {
            throw .missingTensor(path: shards.path, tensor: hfName)
        }
        let expected = layout.hfShape(shape)
        guard info.shape == expected else { throw .wrongShape(path: path, tensor: hfName, expected: expected, found: info.shape) }
        let values: [Float]
        do { values = try shards.floats(hfName) } catch { throw .io(path: path, reason: error.description) }
        return Tensor(shape: shape, values: layout.fromHF(values, shape: shape), requiresGrad: trainable)
    }
}
