import ModelFiles

/// Llama family (`general.architecture = llama`): SmolLM2, Llama 2/3, Mistral.
///
/// Pre-norm RMSNorm, grouped-query attention, RoPE in *normal* mode (adjacent pairs: llama.cpp's
/// converter permuted the Q/K rows so that this equals HF's rotate-half), SiLU-gated FFN, no
/// biases; the LM head is `output.weight`, or the token embedding when that tensor is absent.
public enum Llama {
    public static func config(_ gguf: GGUFFile) throws(ArchitectureError) -> DecoderConfig {
        try HyperParameters(gguf: gguf, architecture: "llama").common(ropeMode: .normal)
    }
}
