/// How byte-level BPE text is cut into words before merging, named after the pattern family.
/// Each reproduces llama.cpp's split for the GGUF `tokenizer.ggml.pre` names that use it.
public enum PreTokenizer: String, Sendable, CaseIterable {
    /// llama.cpp's fallback: runs of `[\p{P}$+<=>^~|]`, then the GPT-2 pattern, then `\p{N}+`
    /// runs, then ASCII digit triples.
    case `default`
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
    case gpt2
    /// Every `\p{N}` alone first, then the GPT-2 pattern (SmolLM, StarCoder).
    case smollm
    /// Case-insensitive contractions, `[^\r\n\p{L}\p{N}]?\p{L}+`, single `\p{N}`,
    /// ` ?[^\s\p{L}\p{N}]+[\r\n]*`, `\s*[\r\n]+`, `\s+(?!\S)`, `\s+` (Qwen2/2.5).
    case qwen2
    /// The Qwen2 pattern with `\p{N}{1,3}` (Llama 3).
    case llama3

    /// The GGUF names Tern accepts, with what llama.cpp sets for each.
    static let configurations: [String: PreTokenizerConfiguration] = {
        var table = [String: PreTokenizerConfiguration]()
        func add(_ names: [String], _ p: PreTokenizer, cleanSpaces: Bool = true, ignoreMerges: Bool = false,
                 addBOS: Bool = false) {
            for n in names {
                table[n] = PreTokenizerConfiguration(pattern: p, cleanSpaces: cleanSpaces, ignoreMerges: ignoreMerges,
                                                     addBOS: addBOS)
            }
        }
        add(["default"], .default)
        add(["gpt-2", "phi-2", "mpt", "olmo"], .gpt2)
        add(["smollm", "command-r"], .smollm, cleanSpaces: false)
        add(["starcoder", "refact", "codeshell"], .smollm)
        add(["qwen2", "deepseek-r1-qwen"], .qwen2, cleanSpaces: false)
        add(["stablelm2", "megrez"], .qwen2)
        add(["llama3", "llama-v3", "llama-bpe", "falcon3"], .llama3, ignoreMerges: true, addBOS: true)
        add(["dbrx", "smaug-bpe"], .llama3)
        return table
    }()

    /// The `tokenizer.ggml.pre` values Tern accepts for byte-level BPE, sorted.
    public static var supportedNames: [String] { configurations.keys.sorted() }
}

/// What a GGUF pre-tokenizer name implies besides its pattern (llama.cpp's per-name flags).
struct PreTokenizerConfiguration: Sendable {
    var pattern: PreTokenizer
    /// Whether decoding removes spaces before `?!.,` and in ` 's`-style contractions.
    var cleanSpaces: Bool
    /// Whether a word that is itself a token skips merging.
    var ignoreMerges: Bool
    /// The add-BOS default when the file does not say.
    var addBOS: Bool
}
