import ModelFiles

extension Vocabulary {
    /// Reads `tokenizer.ggml.*` from a GGUF file (keys as llama.cpp reads them).
    public init(gguf: GGUFFile) throws(TokenizerError) {
        do {
            let model = try gguf.string("tokenizer.ggml.model")
            guard let tokens = try gguf.array("tokenizer.ggml.tokens").stringValues else {
                throw TokenizerError.invalidField("tokenizer.ggml.tokens", reason: "not an array of strings")
            }
            var types = [TokenType]()
            if let a = try gguf.optionalArray("tokenizer.ggml.token_type") {
                guard let ints = a.intValues else {
                    throw TokenizerError.invalidField("tokenizer.ggml.token_type", reason: "not an array of integers")
                }
                types = ints.map(TokenType.init(storedValue:))
            }
            var scores = [Float]()
            if let a = try gguf.optionalArray("tokenizer.ggml.scores") {
                guard let f = a.floatValues else {
                    throw TokenizerError.invalidField("tokenizer.ggml.scores", reason: "not an array of numbers")
                }
                scores = f
            }
            var merges = [String]()
            if let a = try gguf.optionalArray("tokenizer.ggml.merges") {
                guard let m = a.stringValues else {
                    throw TokenizerError.invalidField("tokenizer.ggml.merges", reason: "not an array of strings")
                }
                merges = m
            }
            func id(_ key: String) throws(ModelFileError) -> Int? { try gguf.optionalInt("tokenizer.ggml." + key) }
            var special = SpecialTokenIDs()
            special.bos = try id("bos_token_id")
            special.eos = try id("eos_token_id")
            special.eot = try id("eot_token_id")
            special.eom = try id("eom_token_id")
            special.unknown = try id("unknown_token_id")
            special.separator = try id("seperator_token_id")
            special.padding = try id("padding_token_id")
            special.mask = try id("mask_token_id")
            // The deprecated prefix/suffix/middle keys win when both spellings are present, as in llama.cpp.
            special.fimPrefix = try id("prefix_token_id") ?? id("fim_pre_token_id")
            special.fimSuffix = try id("suffix_token_id") ?? id("fim_suf_token_id")
            special.fimMiddle = try id("middle_token_id") ?? id("fim_mid_token_id")
            special.fimPad = try id("fim_pad_token_id")
            special.fimRepo = try id("fim_rep_token_id")
            special.fimSeparator = try id("fim_sep_token_id")
            self.init(model: model, preTokenizer: try gguf.optionalString("tokenizer.ggml.pre"),
                      tokens: tokens, tokenTypes: types, scores: scores, merges: merges, special: special,
                      addBOS: try gguf.optionalBool("tokenizer.ggml.add_bos_token"),
                      addEOS: try gguf.optionalBool("tokenizer.ggml.add_eos_token"),
                      addSpacePrefix: try gguf.optionalBool("tokenizer.ggml.add_space_prefix"))
        } catch let e as TokenizerError {
            throw e
        } catch let e as ModelFileError {
            if case .missingKey(_, let key) = e { throw .missingField(key) }
            throw .file(e)
        } catch {
            throw .invalidField("tokenizer.ggml", reason: "\(error)")
        }
    }
}
