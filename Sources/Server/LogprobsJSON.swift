import Generation
import Tokenization

/// Log-probabilities in OpenAI's two shapes. Values are the model's raw distribution (before
/// temperature and penalties); -infinity, which JSON cannot carry, is written as -9999 (vLLM's choice).
enum LogprobsJSON {
    static func number(_ logprob: Float) -> TemplateValue {
        logprob.isFinite ? .double(Double(logprob)) : .double(-9999)
    }

    /// A token's text; bytes of an incomplete UTF-8 character become U+FFFD (the `bytes` field
    /// keeps them exactly).
    static func text(_ id: Int, _ tokenizer: Tokenizer) -> String {
        String(decoding: tokenizer.piece(id, renderSpecial: true), as: UTF8.self)
    }

    /// Chat: one `{"token", "logprob", "bytes", "top_logprobs": [{"token", "logprob", "bytes"}]}`.
    static func chatEntry(_ lp: TokenLogprob, _ tokenizer: Tokenizer) -> TemplateValue {
        func base(_ id: Int, _ logprob: Float) -> TemplateObject {
            let bytes = tokenizer.piece(id, renderSpecial: true)
            return ["token": .string(String(decoding: bytes, as: UTF8.self)), "logprob": number(logprob),
                    "bytes": .array(bytes.map { .int(Int($0)) })]
        }
        var entry = base(lp.id, lp.logprob)
        entry["top_logprobs"] = .array(lp.top.map { .object(base($0.id, $0.logprob)) })
        return .object(entry)
    }

    /// Chat: the choice's `logprobs` object.
    static func chat(_ entries: [TemplateValue]) -> TemplateValue {
        ["content": .array(entries), "refusal": nil]
    }

    /// Legacy completions: parallel lists `tokens`, `token_logprobs`, `top_logprobs` (a dict
    /// token → logprob per position) and `text_offset` (character offset of each token in the
    /// choice's text, counted as Python counts string length).
    struct Legacy {
        var tokens: [TemplateValue] = []
        var tokenLogprobs: [TemplateValue] = []
        var top: [TemplateValue] = []
        var offsets: [TemplateValue] = []
        /// Characters before the next token.
        var offset: Int

        init(startOffset: Int = 0) { offset = startOffset }

        /// Adds token `id`; `lp` is nil for the first prompt token (nothing predicts it).
        mutating func append(_ id: Int, _ lp: TokenLogprob?, _ tokenizer: Tokenizer) {
            let text = LogprobsJSON.text(id, tokenizer)
            tokens.append(.string(text))
            offsets.append(.int(offset))
            offset += text.unicodeScalars.count
            guard let lp else {
                tokenLogprobs.append(.null)
                top.append(.null)
                return
            }
            tokenLogprobs.append(number(lp.logprob))
            var alternatives = TemplateObject()
            for alt in lp.top { alternatives[LogprobsJSON.text(alt.id, tokenizer)] = number(alt.logprob) }
            top.append(.object(alternatives))
        }

        var json: TemplateValue {
            ["tokens": .array(tokens), "token_logprobs": .array(tokenLogprobs), "top_logprobs": .array(top),
             "text_offset": .array(offsets)]
        }
    }
}
