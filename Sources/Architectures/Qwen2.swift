import ModelFiles

/// Qwen2 family (`general.architecture = qwen2`): Qwen2 and Qwen2.5 (incl. Coder).
///
/// The Llama block with two differences: Q, K and V projections carry biases, and RoPE runs in
/// NeoX mode (rotate-half pairs (i, i + d/2)), θ = 1 000 000. The GGUFs carry an untied
/// `output.weight` even where the HF checkpoint ties it.
public enum Qwen2 {
    public static func config(_ gguf: GGUFFile) throws(ArchitectureError) -> DecoderConfig {
        var c = try HyperParameters(gguf: gguf, architecture: "qwen2").common(ropeMode: .neox)
        c.hasQKVBias = true
        return c
    }
}
