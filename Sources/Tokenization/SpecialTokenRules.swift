/// llama.cpp's rules for special tokens that GGUF files do not spell out: default ids per model,
/// control tokens recognised by their text, and the end-of-generation (EOG) set.
///
/// EOG = the FIM pad/repo/separator tokens, every token whose text is in `endOfGenerationTexts`,
/// and the EOS/EOT/EOM ids; then two exclusions for harmony-style and Gemma-4-style vocabularies.
/// Where llama.cpp picks "the first" of several matching tokens (it walks a hash map), this picks
/// the lowest id.
struct SpecialTokenRules {
    static let endOfTurnTexts: [String] = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>",
        "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>",
    ]
    static let endOfMessageTexts: [String] = ["<|eom_id|>"]
    static let fimPrefixTexts: [String] = [
        "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>",
    ]
    static let fimSuffixTexts: [String] = [
        "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>",
    ]
    static let fimMiddleTexts: [String] = [
        "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>",
    ]
    static let fimPadTexts: [String] = ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"]
    static let fimRepoTexts: [String] = ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"]
    static let fimSeparatorTexts: [String] = ["<|file_sep|>"]
    static let endOfGenerationTexts: [String] = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
        "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
        "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
        "<｜end▁of▁sentence｜>", "[e~[",
    ]
    /// gpt-oss channel markers, always rendered (llama.cpp forces them to user-defined).
    static let alwaysRenderedTexts: [String] = ["<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"]

    /// Final attributes per token.
    var attributes: [TokenAttributes]
    /// Ids after defaults, range checks and text detection.
    var ids: SpecialTokenIDs
    /// The EOG set.
    var endOfGeneration: Set<Int>

    /// - Parameters:
    ///   - lookup: exact token-text → id.
    ///   - defaults: the model's default ids (llama.cpp: SPM bos 1 / eos 2 / unk 0, BPE bos = eos = 11).
    init(texts: [String], types: [TokenType], given: SpecialTokenIDs, defaults: SpecialTokenIDs,
         lookup: (String) -> Int?) {
        let n = texts.count
        var attributes = types.isEmpty ? Array(repeating: .normal, count: n) : types.map(TokenAttributes.init)
        var ids = SpecialTokenRules.resolveIDs(given: given, defaults: defaults, count: n)

        func firstMatch(_ candidates: [String]) -> Int? { candidates.compactMap(lookup).min() }
        // Detected ids become control tokens (only the detected one, as in llama.cpp).
        func detect(_ path: WritableKeyPath<SpecialTokenIDs, Int?>, _ candidates: [String]) {
            guard ids[keyPath: path] == nil, let id = firstMatch(candidates) else { return }
            ids[keyPath: path] = id
            attributes[id].insert(.control)
        }
        detect(\.eot, Self.endOfTurnTexts)
        detect(\.eom, Self.endOfMessageTexts)
        detect(\.fimPrefix, Self.fimPrefixTexts)
        detect(\.fimSuffix, Self.fimSuffixTexts)
        detect(\.fimMiddle, Self.fimMiddleTexts)
        detect(\.fimPad, Self.fimPadTexts)
        detect(\.fimRepo, Self.fimRepoTexts)
        detect(\.fimSeparator, Self.fimSeparatorTexts)

        // Control tokens named "unused" are unused.
        for id in 0..<n where attributes[id].contains(.control) && !attributes[id].contains(.unused) {
            if texts[id].utf8.count >= 6, texts[id].contains("unused") { attributes[id].insert(.unused) }
        }

        var eog = Set<Int>()
        for id in [ids.fimPad, ids.fimRepo, ids.fimSeparator].compactMap({ $0 }) { eog.insert(id) }
        for text in Self.endOfGenerationTexts {
            guard let id = lookup(text) else { continue }
            eog.insert(id)
            attributes[id].insert(.control)
        }
        for text in Self.alwaysRenderedTexts {
            if let id = lookup(text) { attributes[id] = .userDefined }
        }
        for id in [ids.eos, ids.eot, ids.eom].compactMap({ $0 }) { eog.insert(id) }

        // Harmony-style vocabularies end turns with <|return|>/<|call|>, so <|end|> is not EOG there.
        let eogTexts = Set(eog.map { texts[$0] })
        let hasCall = eogTexts.contains("<|call|>") || eogTexts.contains("<|calls|>")
        if let end = lookup("<|end|>"), eog.contains(end),
           hasCall && (eogTexts.contains("<|return|>") || eogTexts.contains("<|flush|>")) {
            eog.remove(end)
            attributes[end] = .userDefined
        }
        // Gemma-4-style vocabularies use </s> as text, not as an end marker.
        if eogTexts.contains("<|tool_response>"), let s = lookup("</s>"), eog.contains(s) {
            eog.remove(s)
            attributes[s] = .normal
        }
        self.attributes = attributes
        self.ids = ids
        endOfGeneration = eog
    }

    /// Defaults first (dropped when out of range), then the file's ids when in range.
    static func resolveIDs(given: SpecialTokenIDs, defaults: SpecialTokenIDs, count: Int) -> SpecialTokenIDs {
        var out = SpecialTokenIDs()
        let paths: [WritableKeyPath<SpecialTokenIDs, Int?>] = [
            \.bos, \.eos, \.eot, \.eom, \.unknown, \.separator, \.padding, \.mask,
            \.fimPrefix, \.fimSuffix, \.fimMiddle, \.fimPad, \.fimRepo, \.fimSeparator,
        ]
        for path in paths {
            var id = defaults[keyPath: path]
            if let d = id, d < 0 || d >= count { id = nil }
            if let g = given[keyPath: path], g >= 0, g < count { id = g }
            out[keyPath: path] = id
        }
        return out
    }
}
