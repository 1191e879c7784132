import Architectures
import Compute
import ModelFiles
import Tokenization

/// A runnable model: weights, tokenizer, chat template and a generator, loaded from one GGUF.
/// The one place that turns a file path (or catalog short name) into something that chats.
public final class LanguageModel: @unchecked Sendable {
    public let path: String
    public let model: DecoderModel
    public let tokenizer: Tokenizer
    /// The model's own `tokenizer.chat_template` (else a built-in one for its family), or why
    /// there is none usable: plain generation works without it, chat reports the reason.
    public let chatTemplate: Result<ChatTemplate, ChatTemplateError>
    /// Where the template came from ("gguf", "built-in"), for `tern info`.
    public var chatTemplateSource: String? {
        guard case .success = chatTemplate else { return nil }
        return model.file.metadata["tokenizer.chat_template"] != nil ? "gguf" : "built-in"
    }
    public let generator: Generator

    /// Loads `nameOrPath` (a GGUF path or a catalog short name such as `smollm2-135m`).
    public init(_ nameOrPath: String, contextSize: Int? = nil, pool: ThreadPool = .shared) throws {
        path = try ModelCatalog.resolve(nameOrPath)
        let gguf = try GGUFFile(path: path)
        model = try DecoderModel(gguf: gguf)
        tokenizer = try Tokenizer(gguf: gguf)
        chatTemplate = Result { () throws(ChatTemplateError) in try ChatTemplate(gguf: gguf) }
        generator = Generator(model: model, tokenizer: tokenizer, contextSize: contextSize, pool: pool)
    }

    /// Token ids of `text` as llama.cpp's tools take a raw prompt: BOS when the vocabulary asks
    /// for it (unless `addSpecial` is false), special-token text parsed only when asked.
    public func tokenize(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = false) -> [Int] {
        tokenizer.encode(text, addSpecial: addSpecial, parseSpecial: parseSpecial)
    }

    /// The prompt for a conversation, rendered with the chat template and tokenized with special
    /// tokens parsed (the template writes BOS itself where the model wants one).
    public func chatPrompt(_ messages: [ChatMessage], tools: [TemplateValue]? = nil,
                           addGenerationPrompt: Bool = true) throws -> (text: String, tokens: [Int]) {
        let text = try chatTemplate.get().render(messages: messages, tools: tools, addGenerationPrompt: addGenerationPrompt)
        return (text, tokenizer.encode(text, addSpecial: false, parseSpecial: true))
    }
}

