import ModelFiles

/// A GGUF model's tokenizer, with llama.cpp's exact behaviour: `encode` equals `llama_tokenize`,
/// `decode` equals `llama_detokenize`, `piece` equals `llama_token_to_piece`.
///
/// Two algorithms, chosen by `tokenizer.ggml.model`: `gpt2` is byte-level BPE with a
/// pre-tokenizer (`tokenizer.ggml.pre`) and ranked merges; `llama` is SentencePiece BPE driven by
/// token scores, with `<0xXX>` byte fallback. A third runs HF `tokenizer.json` files with HF's
/// behaviour instead (`init(tokenizerJSON:)`, `TokenizerPipeline`). Immutable once built; safe to
/// share across threads.
public final class Tokenizer: Sendable {
    /// The algorithm a vocabulary uses.
    public enum Algorithm: Sendable, Equatable {
        /// Byte-level BPE (`gpt2`) with the given pre-tokenizer.
        case bytePairEncoding(PreTokenizer)
        /// SentencePiece BPE with scores (`llama`).
        case sentencePiece
        /// An HF `tokenizer.json` pipeline, run as HF `tokenizers` runs it.
        case pipeline
    }

    enum Engine: Sendable {
        case bytePair(BytePairEncoder, PreTokenizer)
        case sentencePiece(SentencePieceEncoder)
        case pipeline(PipelineEncoder)
    }

    /// The algorithm in use.
    public let algorithm: Algorithm
    /// Number of token ids, including control, unused and padding entries (the logit count).
    public let vocabularySize: Int
    /// The beginning-of-sequence token, if the vocabulary has one.
    public let bos: Int?
    /// The end-of-sequence token, if the vocabulary has one.
    public let eos: Int?
    /// The unknown token, if the vocabulary has one.
    public let unknown: Int?
    /// Whether `encode(addSpecial: true)` prepends `bos`.
    public let addsBOS: Bool
    /// Whether `encode(addSpecial: true)` appends `eos`.
    public let addsEOS: Bool
    /// Tokens that end generation: llama.cpp's EOG set (EOS, end-of-turn markers such as
    /// `<|im_end|>`/`<end_of_turn>`, `<|endoftext|>`, `</s>`, FIM pad/repo/separator).
    public let endOfGenerationTokens: Set<Int>
    /// Number of BPE merges in use (0 for SentencePiece).
    public let mergeCount: Int

    let engine: Engine
    let attributes: [TokenAttributes]
    /// Exact token text → id; key k is token k's text.
    let texts: ByteStringTable
    /// `piece(k, renderSpecial: true)` for every k, back to back.
    let pieceBytes: [UInt8]
    let pieceStarts: [Int32]
    let matcher: SpecialTokenMatcher
    let addSpacePrefix: Bool
    let cleanSpaces: Bool

    /// The tokenizer of a GGUF file.
    public convenience init(gguf: GGUFFile) throws(TokenizerError) {
        try self.init(vocabulary: Vocabulary(gguf: gguf))
    }

    /// The tokenizer of the GGUF file at `path`.
    public convenience init(path: String) throws(TokenizerError) {
        let file: GGUFFile
        do { file = try GGUFFile(path: path) } catch { throw .file(error) }
        try self.init(gguf: file)
    }

    /// A tokenizer from a vocabulary in GGUF's terms.
    public init(vocabulary v: Vocabulary) throws(TokenizerError) {
        let n = v.tokens.count
        guard n > 0 else { throw .invalidField("tokenizer.ggml.tokens", reason: "the vocabulary is empty") }
        guard v.tokenTypes.isEmpty || v.tokenTypes.count >= n else {
            throw .invalidField("tokenizer.ggml.token_type", reason: "\(v.tokenTypes.count) entries for \(n) tokens")
        }
        guard v.scores.isEmpty || v.scores.count >= n else {
            throw .invalidField("tokenizer.ggml.scores", reason: "\(v.scores.count) entries for \(n) tokens")
        }

        var defaults = SpecialTokenIDs()
        var preConfig: PreTokenizerConfiguration?
        switch v.model {
        case "gpt2":
            let name = v.preTokenizer.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
            guard var c = PreTokenizer.configurations[name] else { throw .unknownPreTokenizer(name) }
            guard !v.merges.isEmpty else { throw .missingField("tokenizer.ggml.merges") }
            c.cleanSpaces = v.cleanSpaces ?? c.cleanSpaces
            c.ignoreMerges = v.ignoreMerges ?? c.ignoreMerges
            preConfig = c
            if v.appliesDefaultSpecialIDs { defaults.bos = 11; defaults.eos = 11 }
        case "llama":
            if v.appliesDefaultSpecialIDs { defaults.bos = 1; defaults.eos = 2; defaults.unknown = 0 }
        default:
            throw .unknownModel(v.model)
        }

        // Token texts, unique (llama.cpp renames empty ones to "[EMPTY_<id>]").
        var table = ByteStringTable(capacity: n, arenaBytes: n * 8)
        var tokenTexts = v.tokens
        for id in 0..<n {
            if tokenTexts[id].isEmpty { tokenTexts[id] = "[EMPTY_\(id)]" }
            var t = tokenTexts[id]
            let existing = t.withUTF8 { table.insert(UnsafeRawBufferPointer($0), value: Int32(id)) }
            if let first = existing { throw .duplicateToken(text: tokenTexts[id], firstID: Int(first), secondID: id) }
        }
        texts = table

        let rules = SpecialTokenRules(texts: tokenTexts, types: Array(v.tokenTypes.prefix(n)), given: v.special,
                                      defaults: defaults, lookup: { table.value(for: $0).map(Int.init) })
        attributes = rules.attributes
        bos = rules.ids.bos
        eos = rules.ids.eos
        unknown = rules.ids.unknown
        endOfGenerationTokens = rules.endOfGeneration
        vocabularySize = n

        if let c = preConfig {
            addsBOS = v.addBOS ?? c.addBOS
            addsEOS = v.addEOS ?? false
            addSpacePrefix = v.addSpacePrefix ?? false
            cleanSpaces = c.cleanSpaces
            let bpe = BytePairEncoder(tokens: tokenTexts, merges: v.merges, ignoreMerges: c.ignoreMerges,
                                      textLookup: { table.value(for: $0) })
            mergeCount = bpe.mergeCount
            engine = .bytePair(bpe, c.pattern)
            algorithm = .bytePairEncoding(c.pattern)
        } else {
            addsBOS = v.addBOS ?? true
            addsEOS = v.addEOS ?? false
            addSpacePrefix = v.addSpacePrefix ?? true
            cleanSpaces = false
            let scores = v.scores.isEmpty ? Array(repeating: 0, count: n) : Array(v.scores.prefix(n))
            engine = .sentencePiece(SentencePieceEncoder(tokens: table, texts: tokenTexts, scores: scores,
                                                         unknown: rules.ids.unknown))
            mergeCount = 0
            algorithm = .sentencePiece
        }
        if addsBOS && bos == nil { throw .missingSpecialToken(flag: "tokenizer.ggml.add_bos_token", idField: "tokenizer.ggml.bos_token_id") }
        if addsEOS && eos == nil { throw .missingSpecialToken(flag: "tokenizer.ggml.add_eos_token", idField: "tokenizer.ggml.eos_token_id") }

        (pieceBytes, pieceStarts) = PieceTable.build(texts: tokenTexts, attributes: rules.attributes,
                                                     byteLevel: preConfig != nil)
        matcher = SpecialTokenMatcher(table: table, attributes: rules.attributes)
    }

    /// Everything a tokenizer holds, built by the initializers of other formats (tokenizer.json).
    struct Parts {
        var algorithm: Algorithm
        var engine: Engine
        var ids: SpecialTokenIDs
        var addsBOS: Bool, addsEOS: Bool
        var endOfGenerationTokens: Set<Int>
        var mergeCount: Int
        var attributes: [TokenAttributes]
        var texts: ByteStringTable
        var pieceBytes: [UInt8], pieceStarts: [Int32]
        var addSpacePrefix: Bool
    }

    /// A tokenizer from its parts.
    init(parts p: Parts) {
        algorithm = p.algorithm
        engine = p.engine
        vocabularySize = p.attributes.count
        bos = p.ids.bos
        eos = p.ids.eos
        unknown = p.ids.unknown
        addsBOS = p.addsBOS
        addsEOS = p.addsEOS
        endOfGenerationTokens = p.endOfGenerationTokens
        mergeCount = p.mergeCount
        attributes = p.attributes
        texts = p.texts
        pieceBytes = p.pieceBytes
        pieceStarts = p.pieceStarts
        matcher = SpecialTokenMatcher(specials: [])
        addSpacePrefix = p.addSpacePrefix
        cleanSpaces = false
    }

    /// The id of the token whose text is exactly `text` (as stored, e.g. `Ġthe` or `▁the`), if any.
    public func tokenID(of text: String) -> Int? { texts.value(for: text).map(Int.init) }

    /// The stored text of a token (`Ġthe`, `▁the`, `<|im_end|>`), or nil for an id out of range.
    public func tokenText(_ id: Int) -> String? {
        guard id >= 0 && id < vocabularySize else { return nil }
        return String(decoding: texts.key(at: id), as: UTF8.self)
    }

    /// llama.cpp's attributes of a token (empty for an id out of range).
    public func attributes(of id: Int) -> TokenAttributes {
        id >= 0 && id < vocabularySize ? attributes[id] : []
    }

    /// Whether a token ends generation.
    public func isEndOfGeneration(_ id: Int) -> Bool { endOfGenerationTokens.contains(id) }
}
