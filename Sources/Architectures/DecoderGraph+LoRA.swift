import Autodiff
import Compute

extension DecoderGraph {
    /// The weight names LoRA can target, by the module names PEFT users write for Llama-style
    /// (HF `q_proj` …) and GPT-2-style (`c_attn` …) models, and by GGUF names (`attn_q`).
    public static let loraModules: [String: String] = [
        "q_proj": "attn_q", "k_proj": "attn_k", "v_proj": "attn_v", "o_proj": "attn_output",
        "gate_proj": "ffn_gate", "up_proj": "ffn_up", "down_proj": "ffn_down",
        "c_attn": "attn_qkv", "c_proj": "attn_output", "c_fc": "ffn_up",
    ]

    /// Freezes every base parameter and adds fresh adapters on each block's weights named by
    /// `targets` (`q_proj`/`attn_q` …). Returns the adapters' parameters (what the optimizer trains),
    /// named `<weight name>.lora_a` / `.lora_b`.
    @discardableResult
    public func addAdapters(targets: [String], rank: Int, alpha: Float, dropout: Float = 0, seed: UInt64) throws -> ParameterSet {
        var wanted = Set<String>()
        for t in targets {
            let suffix = Self.loraModules[t] ?? t
            guard Self.loraModules.values.contains(suffix) else {
                throw ArchitectureError.unsupportedForTraining(architecture: config.architecture,
                                                               reason: "LoRA target '\(t)' is not a projection (known: \(Self.loraModules.keys.sorted().joined(separator: ", ")))")
            }
            wanted.insert(suffix)
        }
        for e in parameters.entries { e.tensor.requiresGrad = false }
        var rng = SeededGenerator(seed: seed)
        var set = ParameterSet()
        var matched = 0
        for e in parameters.entries where e.tensor.shape.count == 2 {
            let parts = e.name.split(separator: ".")
            guard parts.count == 4, parts[0] == "blk", wanted.contains(String(parts[2])) else { continue }
            let adapter = LoRAAdapter(out: e.tensor.shape[0], in: e.tensor.shape[1], rank: rank, alpha: alpha,
                                      dropout: dropout, rng: &rng)
            adapters[e.name] = adapter
            set.add(e.name + ".lora_a", adapter.a, decays: true)
            set.add(e.name + ".lora_b", adapter.b, decays: true)
            matched += 1
        }
        guard matched > 0 else {
            throw ArchitectureError.unsupportedForTraining(architecture: config.architecture,
                                                           reason: "no weight of this model matches LoRA targets \(targets)")
        }
        return set
    }

    /// Folds every adapter into its weight, W ← W + scale·B·A, and removes the adapters: the
    /// merged model computes what the adapted one did (without dropout).
    public func mergeAdapters(pool: ThreadPool = .shared) {
        for (name, lora) in adapters {
            let w = parameters[name]!
            GEMM.multiply(m: w.shape[0], n: w.shape[1], k: lora.rank, alpha: lora.scale, a: lora.b.value.pointer, lda: lora.rank,
                          b: lora.a.value.pointer, ldb: w.shape[1], c: w.value.pointer, ldc: w.shape[1], accumulate: true, pool: pool)
        }
        adapters.removeAll()
    }
}
