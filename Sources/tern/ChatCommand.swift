import ArgumentParser
import Foundation
import Generation
import Tokenization

struct ChatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Chat with a model in the terminal (streaming, multi-turn). /reset starts over, /exit or Ctrl-D quits.")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var sampling: SamplingOptions
    @Option(help: "A system message.") var system: String?
    @Option(name: [.customLong("max-tokens"), .customShort("n")], help: "Tokens per reply at most.") var maxTokens = 512

    func run() throws {
        let lm = try modelOptions.load()
        let interactive = isatty(STDIN_FILENO) == 1
        let err = FileHandle.standardError
        err.write("tern chat: \(lm.model.config.architecture) model \(URL(fileURLWithPath: lm.path).lastPathComponent); /reset, /exit\n".data(using: .utf8)!)
        var messages = [ChatMessage]()
        if let system { messages.append(ChatMessage(role: "system", content: system)) }
        let initial = messages
        var session = lm.generator.makeSession()
        let out = StandardOutput()
        while true {
            if interactive { out.write("> ") }
            guard let line = readLine(strippingNewline: true) else { break }
            let input = line.trimmingCharacters(in: .whitespaces)
            if input.isEmpty { continue }
            if input == "/exit" || input == "/quit" { break }
            if input == "/reset" { messages = initial; session = lm.generator.makeSession(); continue }
            messages.append(ChatMessage(role: "user", content: line))
            let prompt = try lm.chatPrompt(messages).tokens
            let request = GenerationRequest(prompt: prompt, maxTokens: maxTokens, sampling: sampling.parameters)
            let result: GenerationResult
            do {
                result = try lm.generator.generate(request, session: session) { token in
                    out.write(token.text)
                    return true
                }
            } catch GenerationError.promptTooLong(let tokens, let context) {
                err.write("error: the conversation (\(tokens) tokens) no longer fits the context of \(context); /reset to start over\n".data(using: .utf8)!)
                messages.removeLast()
                continue
            }
            out.write("\n")
            messages.append(ChatMessage(role: "assistant", content: result.text))
        }
    }
}
