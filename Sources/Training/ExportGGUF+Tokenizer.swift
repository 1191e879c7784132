import Foundation
import ModelFiles
import Tokenization

extension GGUFExport {
    /// End-of-text token texts, most preferred first: the EOS of a `tokenizer.json` whose
    /// post-processor appends none is its first special added token with one of these texts.
    public static let endOfTextTokens = ["<|endoftext|>", "<|end_of_text|>", "</s>", "<eos>", "<|im_end|>", "<|eot_id|>"]

    /// The vocabulary of an HF `tokenizer.json` as a GGUF names it (`tokenizer.ggml.model` = `gpt2`,
    /// `tokenizer.ggml.pre` from the pre-tokenizer, BOS/EOS from the post-processor, BOS/EOS added
    /// only when the post-processor adds them), with an EOS found among the special added tokens
    /// when the post-processor names none (see `endOfTextTokens`). Without any EOS, llama.cpp
    /// falls back to its byte-level default (token 11), so a tokenizer meant for generation
    /// should have one.
    public static func vocabulary(_ json: TokenizerJSON) -> Vocabulary {
        var v = Vocabulary(json)
        if v.special.eos == nil {
            let specials = json.addedTokens.filter(\.special)
            v.special.eos = endOfTextTokens.lazy.compactMap { name in specials.first { $0.content == name }?.id }.first
        }
        return v
    }

    /// `vocabulary(_:)` of the `tokenizer.json` at `path`, with its padding token
    /// (`padding.pad_id`) when the file sets one.
    public static func vocabulary(contentsOf path: String) throws(ExportError) -> Vocabulary {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .tokenizer(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        var v: Vocabulary
        do { v = vocabulary(try TokenizerJSON(json: text)) } catch { throw .tokenizer(path: path, reason: error.description) }
        if let pad = (try? TemplateValue(json: text))?["padding"]?["pad_id"]?.intValue { v.special.padding = pad }
        return v
    }

    /// `tokenizer.ggml.*` keys as llama.cpp reads them (`llama_vocab::load`), padded to the model's
    /// `modelVocabulary` rows with unused `[PAD<id>]` tokens, and `tokenizer.chat_template`.
    static func setTokenizer(_ w: inout GGUFWriter, _ v: Vocabulary, modelVocabulary n: Int, chatTemplate: String?) throws(ExportError) {
        guard v.tokens.count <= n else {
            throw .tokenizer(path: "tokenizer", reason: "\(v.tokens.count) tokens, but the model's embedding has \(n) rows")
        }
        guard v.tokenTypes.isEmpty || v.tokenTypes.count == v.tokens.count, v.scores.isEmpty || v.scores.count == v.tokens.count else {
            throw .tokenizer(path: "tokenizer", reason: "token types or scores do not match the \(v.tokens.count) tokens")
        }
        var tokens = v.tokens
        var types = v.tokenTypes.isEmpty ? [TokenType](repeating: .normal, count: tokens.count) : v.tokenTypes
        var scores = v.scores
        while tokens.count < n {
            tokens.append("[PAD\(tokens.count)]")
            types.append(.unused)
            if !scores.isEmpty { scores.append(0) }
        }
        w.set("tokenizer.ggml.model", .string(v.model))
        if let pre = v.preTokenizer { w.set("tokenizer.ggml.pre", .string(pre)) }
        w.set("tokenizer.ggml.tokens", .array(.string(tokens)))
        w.set("tokenizer.ggml.token_type", .array(.int32(types.map { Int32($0.rawValue) })))
        if !scores.isEmpty { w.set("tokenizer.ggml.scores", .array(.float32(scores))) }
        if !v.merges.isEmpty { w.set("tokenizer.ggml.merges", .array(.string(v.merges))) }
        let s = v.special
        let ids: [(String, Int?)] = [
            ("bos_token_id", s.bos), ("eos_token_id", s.eos), ("eot_token_id", s.eot), ("eom_token_id", s.eom),
            ("unknown_token_id", s.unknown), ("seperator_token_id", s.separator), ("padding_token_id", s.padding),
            ("mask_token_id", s.mask), ("fim_pre_token_id", s.fimPrefix), ("fim_suf_token_id", s.fimSuffix),
            ("fim_mid_token_id", s.fimMiddle), ("fim_pad_token_id", s.fimPad), ("fim_rep_token_id", s.fimRepo),
            ("fim_sep_token_id", s.fimSeparator),
        ]
        for (key, id) in ids {
            guard let id else { continue }
            guard id >= 0 && id < n else {
                throw .tokenizer(path: "tokenizer", reason: "\(key) \(id) is outside the \(n)-token vocabulary")
            }
            w.set("tokenizer.ggml.\(key)", .uint32(UInt32(id)))
        }
        if let b = v.addBOS { w.set("tokenizer.ggml.add_bos_token", .bool(b)) }
        if let b = v.addEOS { w.set("tokenizer.ggml.add_eos_token", .bool(b)) }
        if let b = v.addSpacePrefix { w.set("tokenizer.ggml.add_space_prefix", .bool(b)) }
        if let chatTemplate { w.set("tokenizer.chat_template", .string(chatTemplate)) }
    }
}
