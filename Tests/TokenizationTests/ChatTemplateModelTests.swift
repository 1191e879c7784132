import Foundation
import ModelFiles
import Testing
@testable import Tokenization

/// The four test models: their templates as the GGUFs carry them, and the chat prompt that the
/// llama.cpp reference run (Tests/Fixtures/inference) rendered from them.
@Suite struct ChatTemplateModelTests {
    struct Model: Sendable, CustomStringConvertible {
        var catalogName: String
        var referenceFile: String
        /// The chat-template fixture holding this GGUF's template; nil for the Gemma base model,
        /// whose GGUF has none (the built-in `gemma3` template stands in).
        var templateFixture: String?
        var description: String { catalogName }
    }

    static let models = [
        Model(catalogName: "smollm2-135m", referenceFile: "smollm2-135m-instruct-q4_1", templateFixture: "smollm2-135m-instruct"),
        Model(catalogName: "qwen2.5-0.5b", referenceFile: "qwen2.5-coder-0.5b-instruct-q4_k_m", templateFixture: "qwen2.5-coder-0.5b-instruct"),
        Model(catalogName: "qwen2.5-1.5b", referenceFile: "qwen2.5-coder-1.5b-instruct-q4_k_m", templateFixture: "qwen2.5-coder-1.5b-instruct"),
        Model(catalogName: "gemma3-270m", referenceFile: "gemma-3-270m-q4_k_m", templateFixture: nil),
    ]

    static func reference(_ model: Model) throws -> TemplateValue {
        let url = ChatTemplateFixtures.directory.deletingLastPathComponent()
            .appendingPathComponent("inference/\(model.referenceFile).json")
        return try TemplateValue(json: try String(contentsOf: url, encoding: .utf8))
    }

    /// The model's template: from its GGUF when installed, else from the committed fixtures.
    static func template(_ model: Model) throws -> ChatTemplate {
        if let path = ModelCatalog.installedPath(model.catalogName) {
            return try ChatTemplate(gguf: try GGUFFile(path: path))
        }
        guard let name = model.templateFixture else { return try ChatTemplate.builtin(named: "gemma3") }
        let fixture = try ChatTemplateFixtures.load(name)
        return try ChatTemplate(source: fixture["template"]!.stringValue!,
                                bosToken: fixture["bos_token"]?.stringValue, eosToken: fixture["eos_token"]?.stringValue)
    }

    /// The `chat_question` prompt of the llama.cpp references is reproduced exactly.
    @Test(arguments: models)
    func chatQuestionPromptMatchesReference(_ model: Model) throws {
        let reference = try Self.reference(model)
        let prompt = reference["prompts"]!.arrayValue!.first { $0["id"] == "chat_question" }!
        let messages = try prompt["messages"]!.arrayValue!.map(ChatMessage.init(from:))
        let rendered = try Self.template(model).render(messages: messages, addGenerationPrompt: true)
        #expect(rendered == prompt["prompt_text"]!.stringValue!)
    }

    /// An installed GGUF yields exactly the template (and BOS/EOS texts) the fixtures were made from.
    @Test(arguments: models.filter { $0.templateFixture != nil })
    func ggufTemplateIsTheFixtureTemplate(_ model: Model) throws {
        guard let path = ModelCatalog.installedPath(model.catalogName) else { return }
        let template = try ChatTemplate(gguf: try GGUFFile(path: path))
        let fixture = try ChatTemplateFixtures.load(model.templateFixture!)
        #expect(template.source == fixture["template"]!.stringValue!)
        #expect(template.bosToken == fixture["bos_token"]?.stringValue)
        #expect(template.eosToken == fixture["eos_token"]?.stringValue)
    }

    /// A named template the GGUF does not have is an error, not a silent fallback.
    @Test func missingNamedTemplateIsAnError() throws {
        guard let path = ModelCatalog.installedPath("qwen2.5-0.5b") else { return }
        #expect(throws: ChatTemplateError.self) { try ChatTemplate(gguf: try GGUFFile(path: path), name: "tool_use") }
    }

    /// The Gemma 3 base GGUF has no template: the built-in one, with the GGUF's `<bos>`.
    @Test func gemmaBaseModelFallsBackToBuiltin() throws {
        guard let path = ModelCatalog.installedPath("gemma3-270m") else { return }
        let gguf = try GGUFFile(path: path)
        #expect(try gguf.optionalString("tokenizer.chat_template") == nil)
        let template = try ChatTemplate(gguf: gguf)
        #expect(template.source == ChatTemplate.gemma3Source)
        #expect(template.bosToken == "<bos>")
    }

    /// The two Qwen2.5-Coder templates differ in one escape (`{\"name\"…}` vs `{{\"name\"…}}`),
    /// which shows in the tool instructions.
    @Test func qwenTemplatesDifferInOneEscape() throws {
        let small = try ChatTemplateFixtures.load("qwen2.5-coder-0.5b-instruct")
        let large = try ChatTemplateFixtures.load("qwen2.5-coder-1.5b-instruct")
        let tools = { (f: TemplateValue) in f["cases"]!.arrayValue!.first { $0["id"] == "tools_user" }!["expected"]!.stringValue! }
        #expect(tools(small).contains("<tool_call>\n{\"name\": <function-name>"))
        #expect(tools(large).contains("<tool_call>\n{{\"name\": <function-name>"))
    }

    @Test func builtinGemmaFoldsSystemIntoFirstUserTurn() throws {
        let template = try ChatTemplate.builtin(named: "gemma3")
        let text = try template.render(messages: [.system("Be brief."), .user(" Hi "), .assistant("Hello."), .user("Bye")],
                                       addGenerationPrompt: true)
        #expect(text == "<bos><start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello.<end_of_turn>\n"
            + "<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n")
        #expect(throws: ChatTemplateError.noTemplate("no built-in chat template named 'llama' (known: gemma3)")) {
            try ChatTemplate.builtin(named: "llama")
        }
    }
}
