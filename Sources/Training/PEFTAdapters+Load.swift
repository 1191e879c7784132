import Architectures
import Autodiff
import ModelFiles

extension PEFTAdapters {
    /// Replaces `graph.adapters` with the PEFT adapter folder in `directory` (saved by `save`, or by
    /// PEFT for a transformers model of the graph's family and shape) and freezes the base weights,
    /// as `addAdapters` does. Each adapter's rank is its tensors'; its scale is lora_alpha / r
    /// (/ √r with rsLoRA). Returns the adapters' parameters, named `<weight>.lora_a` / `.lora_b`,
    /// which train when `trainable`.
    @discardableResult
    public static func load(from directory: String, into graph: DecoderGraph, trainable: Bool = true) throws(ExportError) -> ParameterSet {
        let config = try PEFTConfig.read(directory + "/adapter_config.json")
        let path = directory + "/adapter_model.safetensors"
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile(path: path) } catch { throw .io(path: path, reason: error.description) }
        let family = try ExportFamily(graph.config, format: "PEFT")
        let names = HFTensorNames(family: family, config: graph.config)
        var weightOfModule: [String: String] = [:]
        for e in graph.parameters.entries where e.tensor.shape.count == 2 && e.name.hasPrefix("blk.") {
            if let m = names.moduleName(e.name) { weightOfModule[m] = e.name }
        }
        // module → (A, B) tensor infos, from keys `base_model.model.<module>.lora_<A|B>.weight`.
        var pairs: [String: (a: SafeTensorInfo?, b: SafeTensorInfo?)] = [:]
        for t in file.tensors {
            let prefix = "base_model.model.", suffixA = ".lora_A.weight", suffixB = ".lora_B.weight"
            guard t.name.hasPrefix(prefix), t.name.hasSuffix(suffixA) || t.name.hasSuffix(suffixB) else {
                throw .unsupported(format: "PEFT", reason: "\(path): tensor '\(t.name)' is not a LoRA A or B matrix")
            }
            let isA = t.name.hasSuffix(suffixA)
            let module = String(t.name.dropFirst(prefix.count).dropLast(suffixA.count))
            if isA { pairs[module, default: (nil, nil)].a = t } else { pairs[module, default: (nil, nil)].b = t }
        }
        var adapters: [String: LoRAAdapter] = [:]
        var set = ParameterSet()
        for module in pairs.keys.sorted() {
            guard let weightName = weightOfModule[module], let weight = graph.parameters[weightName] else {
                throw .unsupported(format: "PEFT", reason: "\(path): module '\(module)' is not a projection of this \(graph.config.architecture) model")
            }
            guard let a = pairs[module]!.a, let b = pairs[module]!.b else {
                throw .missingTensor(path: path, tensor: key(module, pairs[module]!.a == nil ? "A" : "B"))
            }
            let (out, inputs) = (weight.shape[0], weight.shape[1])
            let rank = a.shape.first ?? 0
            guard a.shape.count == 2, a.shape[1] == inputs, rank > 0 else {
                throw .wrongShape(path: path, tensor: a.name, expected: [rank, inputs], found: a.shape)
            }
            guard b.shape == [out, rank] else { throw .wrongShape(path: path, tensor: b.name, expected: [out, rank], found: b.shape) }
            let layout = names.hfName(weightName)!.layout
            let aValues: [Float], bValues: [Float]
            do { (aValues, bValues) = (try file.floats(of: a), try file.floats(of: b)) } catch { throw .io(path: path, reason: error.description) }
            let aTensor = Tensor(shape: a.shape, values: aValues, requiresGrad: trainable)
            let bTensor = Tensor(shape: b.shape, values: layout.isRoPE ? layout.fromHF(bValues, shape: b.shape) : bValues,
                                 requiresGrad: trainable)
            // LoRAAdapter's scale is alpha / rank; rsLoRA's alpha / √rank is that of alpha · √rank.
            let alpha = config.useRSLoRA ? config.alpha * Float(rank).squareRoot() : config.alpha
            adapters[weightName] = LoRAAdapter(a: aTensor, b: bTensor, alpha: alpha, dropout: config.dropout)
            set.add(weightName + ".lora_a", aTensor, decays: true)
            set.add(weightName + ".lora_b", bTensor, decays: true)
        }
        guard !adapters.isEmpty else { throw .unsupported(format: "PEFT", reason: "\(path) holds no LoRA matrices") }
        for e in graph.parameters.entries { e.tensor.requiresGrad = false }
        graph.adapters = adapters
        return set
    }
}
