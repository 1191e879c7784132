import Architectures
import Autodiff
import Compute
import ModelFiles
import Testing
import TestSupport
import Tokenization
import Training

/// GGUF export: what `DecoderModel` computes from the exported file is what the graph computes,
/// every key and tensor reads back as written, and tensor types follow llama.cpp's converter.
@Suite struct GGUFExportTests {
    /// A byte-level vocabulary of `count` tokens for the small test models (the last two are
    /// control tokens, the last one EOS).
    static func vocabulary(_ count: Int = 96) -> Vocabulary {
        var tokens = Array(TinyModel.byteSymbols.prefix(count - 2))
        tokens += ["<|endoftext|>", "<|im_end|>"]
        var special = SpecialTokenIDs()
        special.eos = count - 1
        special.padding = count - 2
        return Vocabulary(model: "gpt2", preTokenizer: "gpt-2", tokens: tokens,
                          tokenTypes: [TokenType](repeating: .normal, count: count - 2) + [.control, .control],
                          merges: ["Ġ t", "h e"], special: special, addBOS: false, addEOS: false)
    }

    static func export(_ graph: DecoderGraph, _ type: GGUFExport.MatrixType, vocabulary: Vocabulary = vocabulary(),
                       template: String? = nil) throws -> GGUFFile {
        let path = ExportTestModels.uniquePath("export-\(graph.config.architecture)-\(type).gguf")
        try GGUFExport.write(graph, vocabulary: vocabulary, options: .init(type: type, name: "tiny", chatTemplate: template), to: path)
        return try GGUFFile(path: path)
    }

    /// Every position's logits of `DecoderModel` over the file.
    static func modelLogits(_ gguf: GGUFFile, _ tokens: [Int32] = ExportTestModels.tokens) throws -> [Float] {
        let model = try DecoderModel(gguf: gguf)
        let out = FloatBuffer(count: tokens.count * model.config.vocabularySize)
        try model.forward(tokens.map(Int.init), cache: model.makeCache(), selection: .all, logits: out, pool: ThreadPool(threadCount: 2))
        return out.array
    }

    /// F32 files: the same weights, so only summation order differs (bound as DecoderGraphTests).
    /// The llama case carries LoRA adapters, which export folds into the weights.
    @Test(arguments: ["llama", "qwen2"])
    func f32FileComputesTheGraphsLogits(family: String) throws {
        let graph = family == "llama" ? try ExportTestModels.adaptedGraph(family) : try ExportTestModels.graph(family)
        let gguf = try Self.export(graph, .f32)
        let error = ExportTestModels.relativeError(try Self.modelLogits(gguf), ExportTestModels.logits(graph))
        #expect(error <= 1e-4, "max |Δlogit| / max |logit| = \(error)")
    }

    /// Each stored weight is the graph's, rounded: F16 to the nearest half (≤ 2⁻¹¹ relative, 2⁻²⁵
    /// absolute among subnormals),
    /// Q8_0 to within half a step of its 32-block's scale (plus the scale's own f16 rounding);
    /// norms and biases exactly.
    @Test(arguments: [GGUFExport.MatrixType.f16, .q8_0])
    func storedWeightsAreTheGraphsRounded(type: GGUFExport.MatrixType) throws {
        let graph = try ExportTestModels.graph("qwen2")
        let back = try DecoderGraph(gguf: try Self.export(graph, type))
        for (a, b) in zip(back.parameters.entries, graph.parameters.entries) {
            let stored = a.tensor.values, original = b.tensor.values
            guard b.tensor.shape.count == 2 else { #expect(stored == original, "\(a.name)"); continue }
            for block in stride(from: 0, to: original.count, by: 32) {
                let amax = original[block..<block + 32].map(abs).max()!
                for i in block..<block + 32 {
                    let bound = type == .f16 ? max(abs(original[i]) * 0x1p-11, 0x1p-25) : amax / 127 * (0.5 + 127 * 0x1p-11)
                    #expect(abs(stored[i] - original[i]) <= bound, "\(a.name)[\(i)]")
                }
            }
        }
    }

    /// End to end, the logits move by what the rounding does to these deliberately sensitive random
    /// models (std-0.1 weights): measured F16 ≈ 1.1e-3 and Q8_0 ≈ 2.8e-2 (weights) + 3.3e-2
    /// (`DecoderModel` also quantizes activations to Q8_0, as llama.cpp does) ≈ 4.1e-2 of
    /// max |logit|; the bounds leave 2× room. The F16 file's own values (`DecoderGraph(gguf:)`) are
    /// computed exactly (≤ 1e-4, F16 weights meet F32 activations).
    @Test(arguments: [(GGUFExport.MatrixType.f16, Float(2e-3)), (.q8_0, 8e-2)])
    func quantizedFilesStayWithinTheirBound(type: GGUFExport.MatrixType, bound: Float) throws {
        for family in ["llama", "qwen2"] {
            let graph = try ExportTestModels.graph(family)
            let file = try Self.export(graph, type)
            let logits = try Self.modelLogits(file)
            let error = ExportTestModels.relativeError(logits, ExportTestModels.logits(graph))
            #expect(error <= bound, "\(family) \(type): max |Δlogit| / max |logit| = \(error)")
            if type == .f16 {
                let own = ExportTestModels.relativeError(logits, ExportTestModels.logits(try DecoderGraph(gguf: file)))
                #expect(own <= 1e-4, "\(family): F16 file vs its own dequantized values: \(own)")
            }
        }
    }

    /// Hyper-parameters, tokenizer keys and tensors read back as written: `Architectures.config`
    /// gives the graph's config, `Vocabulary(gguf:)` the vocabulary, `DecoderGraph(gguf:)` the
    /// same parameters bit for bit.
    @Test(arguments: ["llama", "qwen2"])
    func metadataAndTensorsRoundTrip(family: String) throws {
        let graph = try ExportTestModels.graph(family)
        var vocabulary = Self.vocabulary(90)  // fewer tokens than the model's 96 rows: padded
        vocabulary.special.bos = 3
        let gguf = try Self.export(graph, .f32, vocabulary: vocabulary, template: "{{ messages }}")
        #expect(try Architectures.config(gguf) == graph.config)
        #expect(try gguf.string("general.name") == "tiny")
        #expect(try gguf.int("general.file_type") == 0)
        #expect(try gguf.string("tokenizer.chat_template") == "{{ messages }}")
        let read = try Vocabulary(gguf: gguf)
        var padded = vocabulary
        padded.tokens += (90..<96).map { "[PAD\($0)]" }
        padded.tokenTypes += [TokenType](repeating: .unused, count: 6)
        #expect(read == padded)
        let back = try DecoderGraph(gguf: gguf)
        #expect(back.parameters.entries.map(\.name) == graph.parameters.entries.map(\.name))
        for (a, b) in zip(back.parameters.entries, graph.parameters.entries) { #expect(a.tensor.values == b.tensor.values, "\(a.name)") }
        #expect(gguf.tensorsByName[WeightNames.output] == nil || !graph.config.tiedEmbeddings)
    }

    /// llama.cpp's converter rules: 1-D tensors, norms and biases F32; matrices in the requested
    /// type; a Q8_0 matrix whose rows are not whole 32-blocks (here width 48) falls back to F16.
    @Test func tensorTypesFollowTheConverter() throws {
        let c = DecoderConfig.llama(vocabulary: 96, context: 16, layers: 1, heads: 2, width: 48, feedForward: 64)
        let gguf = try Self.export(try DecoderGraph(config: c, seed: 1), .q8_0)
        let types = Dictionary(uniqueKeysWithValues: gguf.tensors.map { ($0.name, $0.type) })
        #expect(types["blk.0.attn_norm.weight"] == .f32)
        #expect(types["output_norm.weight"] == .f32)
        #expect(types["blk.0.attn_q.weight"] == .f16)       // rows of 48
        #expect(types["token_embd.weight"] == .f16)
        #expect(types["blk.0.ffn_down.weight"] == .q8_0)    // rows of 64
        #expect(try gguf.int("general.file_type") == 7)

        let gpt2 = try Self.export(try ExportTestModels.graph("gpt2"), .q8_0)
        let g = Dictionary(uniqueKeysWithValues: gpt2.tensors.map { ($0.name, ($0.type, $0.shape)) })
        #expect(g["position_embd.weight"]?.0 == .f32)
        #expect(g["blk.0.attn_qkv.weight"]?.0 == .q8_0)
        #expect(g["blk.0.attn_qkv.weight"]?.1 == [64, 192])
        #expect(g["blk.0.attn_qkv.bias"]?.0 == .f32)
        #expect(g["output_norm.bias"]?.0 == .f32)
        #expect(g["output.weight"] == nil)  // tied: llama.cpp reuses token_embd
    }

    /// GPT-2 files carry the keys llama.cpp's `gpt2` loader reads.
    @Test func gpt2Keys() throws {
        let gguf = try Self.export(try ExportTestModels.graph("gpt2"), .f32)
        #expect(try gguf.string("general.architecture") == "gpt2")
        #expect(try gguf.int("gpt2.context_length") == 32)
        #expect(try gguf.int("gpt2.embedding_length") == 64)
        #expect(try gguf.int("gpt2.feed_forward_length") == 256)
        #expect(try gguf.int("gpt2.block_count") == 2)
        #expect(try gguf.int("gpt2.attention.head_count") == 4)
        #expect(try gguf.float("gpt2.attention.layer_norm_epsilon") == 1e-5)
        #expect(try gguf.string("tokenizer.ggml.model") == "gpt2")
        #expect(try gguf.string("tokenizer.ggml.pre") == "gpt-2")
        #expect(try gguf.int("tokenizer.ggml.eos_token_id") == 95)
        #expect(try gguf.int("tokenizer.ggml.padding_token_id") == 94)
        #expect(try gguf.bool("tokenizer.ggml.add_bos_token") == false)
    }

    @Test func refusesWhatItCannotWrite() throws {
        let graph = try ExportTestModels.graph("llama")
        #expect(throws: ExportError.self) { try GGUFExport.writer(graph, vocabulary: Self.vocabulary(97)) }
        var badID = Self.vocabulary()
        badID.special.bos = 500
        #expect(throws: ExportError.self) { try GGUFExport.writer(graph, vocabulary: badID) }
        graph.parameters["blk.1.ffn_up.weight"]!.value[7] = .nan
        #expect(throws: ExportError.self) { try GGUFExport.writer(graph, vocabulary: Self.vocabulary()) }
        var mislabeled = ExportTestModels.config("gpt2")
        mislabeled.architecture = "llama"
        #expect(throws: ExportError.self) {
            try GGUFExport.writer(try DecoderGraph(config: mislabeled, seed: 1), vocabulary: Self.vocabulary())
        }
    }

    /// A tokenizer.json's EOS: the post-processor's, else the first special token named like one;
    /// its padding token from `padding.pad_id`.
    @Test func vocabularyFromTokenizerJSONFindsTheEOS() throws {
        var json = TokenizerJSON(pattern: .gpt2, vocabulary: TinyModel.byteSymbols, merges: [],
                                 addedTokens: [.init(id: 256, content: "<|im_start|>", special: true),
                                               .init(id: 257, content: "<|endoftext|>", special: true)])
        #expect(GGUFExport.vocabulary(json).special.eos == 257)
        #expect(GGUFExport.vocabulary(json).preTokenizer == "gpt-2")
        json.suffixToken = 256
        #expect(GGUFExport.vocabulary(json).special.eos == 256)
        json.suffixToken = nil
        // The file's padding token, when it sets one.
        let path = ExportTestModels.uniquePath("padded-tokenizer.json")
        let padding = #""padding": {"strategy": "BatchLongest", "direction": "Right", "pad_to_multiple_of": null, "pad_id": 256, "pad_type_id": 0, "pad_token": "<|im_start|>"}"#
        try json.jsonString().replacingOccurrences(#""padding": null"#, padding).write(toFile: path, atomically: true, encoding: .utf8)
        let read = try GGUFExport.vocabulary(contentsOf: path)
        #expect(read.special.padding == 256 && read.special.eos == 257)
        json.addedTokens.removeLast()
        #expect(GGUFExport.vocabulary(json).special.eos == nil)
    }
}
