extension TokenizerJSON {
    /// Reads the `tokenizer.json` file at `path` (the byte-level subset; errors name the file).
    public init(contentsOf path: String) throws(TokenizerError) {
        let pipeline = try TokenizerPipeline(contentsOf: path)
        do { try self.init(pipeline) } catch { throw .inFile(path, error) }
    }

    /// Parses `tokenizer.json` text of a byte-level BPE tokenizer.
    public init(json text: String) throws(TokenizerError) {
        try self.init(TokenizerPipeline(json: text))
    }

    /// The byte-level subset of a pipeline. Anything a GGUF vocabulary could not carry (a
    /// normalizer, another pre-tokenizer or decoder, prefix spaces, byte fallback, affixes, an
    /// unknown token, stripping added tokens, several tokens around the sequence) is refused
    /// with the JSON path that holds it; `Tokenizer(tokenizerJSON:)` runs such files.
    public init(_ p: TokenizerPipeline) throws(TokenizerError) {
        func refuse(_ path: String, _ reason: String) -> TokenizerError { .unsupported(path: path, reason: reason + " (byte-level subset)") }
        guard p.normalizers.isEmpty else { throw refuse("normalizer", "a normalizer") }
        guard let split = Tokenizer.fastSplit(p.preTokenizers), split != .smollm else {
            throw refuse("pre_tokenizer", "only ByteLevel with its regex, or a Llama 3 / Qwen2 Split then ByteLevel, without prefix spaces")
        }
        pattern = split
        guard p.decoders == [.byteLevel] else { throw refuse("decoder", "only ByteLevel") }
        let m = p.model
        guard !m.byteFallback else { throw refuse("model.byte_fallback", "true") }
        guard m.unknownToken == nil else { throw refuse("model.unk_token", "an unknown token") }
        guard m.continuingSubwordPrefix == nil, m.endOfWordSuffix == nil else {
            throw refuse("model.continuing_subword_prefix", "word affixes")
        }
        for (i, a) in p.addedTokens.enumerated() where a.singleWord || a.leftStrip || a.rightStrip {
            throw refuse("added_tokens[\(i)]", "single_word, lstrip and rstrip")
        }
        guard p.prefix.count <= 1, p.suffix.count <= 1 else { throw refuse("post_processor", "more than one token before or after the sequence") }
        vocabulary = m.vocabulary
        merges = []
        merges.reserveCapacity(m.merges.count)
        for (i, merge) in m.merges.enumerated() {
            guard !merge.left.utf8.contains(0x20) && !merge.right.utf8.contains(0x20) else {
                throw .invalidField("model.merges[\(i)]", reason: "a merge part holds a space")
            }
            merges.append(merge.left + " " + merge.right)
        }
        addedTokens = p.addedTokens
        ignoreMerges = m.ignoreMerges
        prefixToken = p.prefix.first
        suffixToken = p.suffix.first
    }
}
