extension Tokenizer {
    /// The tokenizer of the HF `tokenizer.json` file at `path`, with HF `tokenizers`' behaviour
    /// (see `TokenizerPipeline` for what is supported). Errors name the file and the JSON path.
    public convenience init(tokenizerJSON path: String) throws(TokenizerError) {
        let pipeline = try TokenizerPipeline(contentsOf: path)
        do { try self.init(pipeline: pipeline) } catch { throw .inFile(path, error) }
    }

    /// A tokenizer that runs `pipeline` as HF does: `encode(text, addSpecial:, parseSpecial:)` is
    /// HF's `encode(text, add_special_tokens=addSpecial)` (with `encode_special_tokens` when
    /// `parseSpecial` is false), `decode(ids, renderSpecial:)` its `decode(ids,
    /// skip_special_tokens=!renderSpecial)`. Added tokens are control tokens when special (as HF's
    /// decode skips them), else user-defined; a token's `piece` is the decoder run on it alone;
    /// `bos` / `eos` are the first / last ids the post-processor adds (`addsBOS` / `addsEOS` say
    /// whether it adds any); the end-of-generation set is found by token text.
    public convenience init(pipeline p: TokenizerPipeline) throws(TokenizerError) {
        try self.init(pipeline: p, characterModel: false)
    }

    /// `init(pipeline:)`; `characterModel` runs every model over characters (the plain twin).
    convenience init(pipeline p: TokenizerPipeline, characterModel: Bool) throws(TokenizerError) {
        let n = p.vocabularySize
        var texts = p.model.vocabulary
        var types = [TokenType](repeating: .normal, count: n)
        while texts.count < n { texts.append("[PAD\(texts.count)]"); types[texts.count - 1] = .unused }
        let modelTable = Self.table(p.model.vocabulary)
        if p.model.byteFallback {
            for b in 0..<256 {
                if let id = modelTable.value(for: "<0x" + Self.hex(UInt8(b)) + ">") { types[Int(id)] = .byte }
            }
        }
        for a in p.addedTokens { texts[a.id] = a.content }
        let encoder = try Self.pipelineEncoder(p, texts: texts, modelTable: modelTable, characterModel: characterModel)
        // Control: what HF's decode skips with special tokens (a special token whose normalized
        // text differs from its content is not skipped there); other added tokens user-defined.
        for a in p.addedTokens { types[a.id] = encoder.special[a.id] ? .control : .userDefined }
        var table = ByteStringTable(capacity: n, arenaBytes: n * 8)
        for id in 0..<n {
            if let first = table.insert(Array(texts[id].utf8), value: Int32(id)) {
                throw .duplicateToken(text: texts[id], firstID: Int(first), secondID: id)
            }
        }
        let attributes = types.map(TokenAttributes.init)
        var given = SpecialTokenIDs()
        given.bos = p.prefix.first
        given.eos = p.suffix.last
        given.unknown = p.model.unknownToken.flatMap { modelTable.value(for: $0) }.map(Int.init)
        // Only the ids and the end-of-generation set: attributes stay HF's.
        let rules = SpecialTokenRules(texts: texts, types: types, given: given, defaults: SpecialTokenIDs(),
                                      lookup: { table.value(for: $0).map(Int.init) })
        let (pieceBytes, pieceStarts) = Self.pieces(encoder.decodeTexts, p.decoders)
        self.init(parts: Parts(
            algorithm: .pipeline, engine: .pipeline(encoder), ids: rules.ids, addsBOS: !p.prefix.isEmpty,
            addsEOS: !p.suffix.isEmpty, endOfGenerationTokens: rules.endOfGeneration,
            mergeCount: encoder.mergeCount, attributes: attributes, texts: table, pieceBytes: pieceBytes,
            pieceStarts: pieceStarts, addSpacePrefix: Self.stripsFirstSpace(p.decoders)))
    }

    /// Each token's piece: the decoder run on it alone (what streaming and constraints join).
    private static func pieces(_ texts: [String], _ decoders: [DecoderStep]) -> ([UInt8], [Int32]) {
        var bytes = [UInt8]()
        bytes.reserveCapacity(texts.count * 8)
        var starts = [Int32](repeating: 0, count: texts.count + 1)
        for (id, text) in texts.enumerated() {
            bytes.append(contentsOf: DecoderStep.piece(text, decoders))
            starts[id + 1] = Int32(bytes.count)
        }
        return (bytes, starts)
    }

    /// Whether decoding drops the space the first token starts with (Metaspace that prepends, or a
    /// Strip of leading spaces), which streaming then does too.
    private static func stripsFirstSpace(_ decoders: [DecoderStep]) -> Bool {
        decoders.contains {
            switch $0 {
            case .metaspace(_, let scheme): return scheme != .never
            case .strip(let c, let start, _): return c == " " && start > 0
            default: return false
            }
        }
    }

    private static func table(_ texts: [String]) -> ByteStringTable {
        var t = ByteStringTable(capacity: texts.count, arenaBytes: texts.count * 8)
        for (id, text) in texts.enumerated() { t.insert(Array(text.utf8), value: Int32(id)) }
        return t
    }

    private static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String(digits[Int(b >> 4)]) + String(digits[Int(b & 15)])
    }

    /// The encoder: byte-level BPE over raw bytes when the last pre-tokenizer is `ByteLevel` and no
    /// affixes apply, and a byte the vocabulary lacks would simply be dropped (no unknown token, no
    /// byte fallback); merges over characters otherwise, or when `characterModel` asks (the plain
    /// twin the tests hold the byte path equal to).
    static func pipelineEncoder(_ p: TokenizerPipeline, texts: [String], modelTable: ByteStringTable,
                                characterModel: Bool = false) throws(TokenizerError) -> PipelineEncoder {
        let pre = PreTokenization(steps: p.preTokenizers)
        let m = p.model
        let allBytes = ByteLevelAlphabet.scalarOfByte.allSatisfy { modelTable.value(for: String(UnicodeScalar($0)!)) != nil }
        let model: PipelineEncoder.Model
        let dropsMissing = m.unknownToken == nil && !m.byteFallback
        if !characterModel && pre.byteLevel && (allBytes || dropsMissing) && m.continuingSubwordPrefix == nil
            && m.endOfWordSuffix == nil {
            let merges = m.effectiveMerges.compactMap { x -> String? in
                x.left.utf8.contains(0x20) || x.right.utf8.contains(0x20) ? nil : x.left + " " + x.right
            }
            let bpe = BytePairEncoder(tokens: m.vocabulary, merges: merges, ignoreMerges: m.ignoreMerges,
                                      dropsBytesOutsideVocabulary: true, textLookup: { modelTable.value(for: $0) })
            model = .bytes(bpe, split: fastSplit(p.preTokenizers))
        } else {
            model = .characters(try CharacterPairEncoder(m, vocabulary: modelTable))
        }

        var raw = [(text: [UInt8], entry: AddedTokenMatcher.Entry)](), normalized = raw
        var decodeTexts = texts
        var specialTexts = Set<[UInt8]>()
        for a in p.addedTokens {
            let entry = AddedTokenMatcher.Entry(id: Int32(a.id), special: a.special, leftStrip: a.leftStrip,
                                                rightStrip: a.rightStrip, singleWord: a.singleWord)
            if a.special { specialTexts.insert(Array(a.content.utf8)) }
            guard a.normalized else { raw.append((Array(a.content.utf8), entry)); continue }
            // HF matches (and decodes) a normalized token by its normalized text.
            var origin = true
            var text = a.content
            for n in p.normalizers { text = n.apply(text, atOrigin: &origin) }
            normalized.append((Array(text.utf8), entry))
            decodeTexts[a.id] = text
        }
        // HF skips a token whose decoded text is a special token's content; only added tokens can
        // be (a vocabulary text equal to an added token's is that token).
        var special = [Bool](repeating: false, count: texts.count)
        for a in p.addedTokens where specialTexts.contains(Array(decodeTexts[a.id].utf8)) { special[a.id] = true }
        return PipelineEncoder(
            rawTokens: AddedTokenMatcher(raw), normalizedTokens: AddedTokenMatcher(normalized), normalizers: p.normalizers,
            preTokenization: pre, model: model, prefix: p.prefix.map(Int32.init), suffix: p.suffix.map(Int32.init),
            decoders: p.decoders, decodeTexts: decodeTexts, special: special)
    }

    /// The hand-scanned split a whole pre-tokenizer is, if any.
    static func fastSplit(_ steps: [PreTokenizerStep]) -> PreTokenizer? {
        if steps == [.byteLevel(addPrefixSpace: false, useRegex: true)] { return .gpt2 }
        if steps == [.digits(individual: true), .byteLevel(addPrefixSpace: false, useRegex: true)] { return .smollm }
        if steps.count == 2, case .split(.regex(let p), behavior: .isolated, invert: false) = steps[0],
           steps[1] == .byteLevel(addPrefixSpace: false, useRegex: false) {
            return p
        }
        return nil
    }
}
