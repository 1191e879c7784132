import ModelFiles

/// A model's chat template (`tokenizer.chat_template`), parsed once and rendered as HF
/// transformers renders it: jinja2 in an immutable sandbox with `trim_blocks` and
/// `lstrip_blocks`, the `loopcontrols` extension, transformers' `tojson` (no HTML escaping,
/// `indent`/`separators`/`sort_keys`), and the globals `raise_exception` and `strftime_now`.
///
/// Constructs outside the supported subset (`{% extends %}`, `{% include %}`, unknown filters or
/// tests, ...) fail at `init` with `ChatTemplateError.unsupported` naming them and their position.
public struct ChatTemplate: Sendable {
    /// The Jinja source as given.
    public let source: String
    /// The BOS token text passed as `bos_token` when a render call gives none (nil: undefined).
    public var bosToken: String?
    /// The EOS token text passed as `eos_token` when a render call gives none (nil: undefined).
    public var eosToken: String?
    let body: [JinjaStatement]

    /// Parses `source`. Throws `.syntax` for malformed Jinja and `.unsupported` for constructs
    /// Tern does not implement, with line and column.
    public init(source: String, bosToken: String? = nil, eosToken: String? = nil) throws(ChatTemplateError) {
        self.source = source
        self.bosToken = bosToken
        self.eosToken = eosToken
        body = try JinjaParser.parse(source)
    }

    /// Renders a conversation as `tokenizer.apply_chat_template(messages, tools=tools,
    /// add_generation_prompt=..., tokenize=False, **extra)` would: the template sees `messages`,
    /// `tools` (None when nil), `documents` (None), `add_generation_prompt`, `bos_token` and
    /// `eos_token` (when known), then `extra` (which wins on a name clash).
    public func render(messages: [ChatMessage], tools: [TemplateValue]? = nil, addGenerationPrompt: Bool,
                       bosToken: String? = nil, eosToken: String? = nil,
                       extra: [String: TemplateValue] = [:]) throws(ChatTemplateError) -> String {
        var context: [String: TemplateValue] = [
            "messages": .array(messages.map(\.templateValue)),
            "tools": tools.map(TemplateValue.array) ?? .null,
            "documents": .null,
            "add_generation_prompt": .bool(addGenerationPrompt),
        ]
        if let bos = bosToken ?? self.bosToken { context["bos_token"] = .string(bos) }
        if let eos = eosToken ?? self.eosToken { context["eos_token"] = .string(eos) }
        context.merge(extra) { _, new in new }
        return try render(context: context)
    }

    /// Renders with exactly these template variables and nothing else (no defaults), for
    /// messages that `ChatMessage` cannot express (content parts, extra keys) or other uses.
    public func render(context: [String: TemplateValue]) throws(ChatTemplateError) -> String {
        var interpreter = JinjaInterpreter(variables: context.mapValues(JinjaValue.init))
        return try interpreter.render(body)
    }
}

extension ChatTemplate {
    /// The template a GGUF model carries in `tokenizer.chat_template` (or, with `name`, the named
    /// one in `tokenizer.chat_template.<name>`, e.g. `tool_use`), with its BOS and EOS token texts.
    /// A Gemma-family GGUF without a default template (a base model) gets the built-in `gemma3`
    /// template; any other model without the template asked for is `.noTemplate`.
    public init(gguf: GGUFFile, name: String? = nil) throws(ChatTemplateError) {
        func read<T>(_ body: () throws(ModelFileError) -> T) throws(ChatTemplateError) -> T {
            do { return try body() } catch { throw .noTemplate("\(gguf.path): \(error)") }
        }
        let key = name.map { "tokenizer.chat_template.\($0)" } ?? "tokenizer.chat_template"
        let source = try read { () throws(ModelFileError) in try gguf.optionalString(key) }
        let tokens = try read { () throws(ModelFileError) in try gguf.optionalArray("tokenizer.ggml.tokens")?.stringValues }
        func tokenText(_ key: String) throws(ChatTemplateError) -> String? {
            guard let id = try read({ () throws(ModelFileError) in try gguf.optionalInt(key) }),
                  let tokens, tokens.indices.contains(id) else { return nil }
            return tokens[id]
        }
        let bos = try tokenText("tokenizer.ggml.bos_token_id")
        let eos = try tokenText("tokenizer.ggml.eos_token_id")
        if let source {
            try self.init(source: source, bosToken: bos, eosToken: eos)
            return
        }
        let architecture = try read { () throws(ModelFileError) in try gguf.optionalString("general.architecture") } ?? "unknown"
        guard name == nil, architecture.hasPrefix("gemma") else {
            throw .noTemplate("\(gguf.path) (architecture '\(architecture)') has no \(key) and Tern has no built-in one for it")
        }
        self = try ChatTemplate.builtin(named: "gemma3")
        bosToken = bos
        eosToken = eos
    }
}
