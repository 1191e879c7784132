import ArgumentParser
import Foundation
import Generation
import Tokenization

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate a continuation of a prompt (streamed to stdout).")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var sampling: SamplingOptions
    @Option(name: .shortAndLong, help: "The prompt text.") var prompt: String
    @Flag(help: "Wrap the prompt as a user turn with the model's chat template.") var chat = false
    @Option(help: "A system message (with --chat).") var system: String?
    @Option(name: [.customLong("max-tokens"), .customShort("n")], help: "Tokens to generate at most.")
    var maxTokens = 256
    @Option(help: "Stop before this string (repeatable).") var stop: [String] = []
    @Flag(name: .customLong("parse-special"), help: "Turn special-token text in the prompt into special tokens.")
    var parseSpecial = false
    @Flag(name: .customLong("no-bos"), help: "Add no BOS token, even when the model asks for one.") var noBOS = false
    @Flag(name: .customLong("ignore-eos"), help: "Keep generating past end-of-generation tokens.") var ignoreEOS = false
    @Flag(help: "Print one JSON object: prompt_tokens, tokens, text, finish_reason, timings.") var json = false

    func validate() throws {
        guard maxTokens >= 0 else { throw ValidationError("--max-tokens must be ≥ 0") }
    }

    func run() throws {
        let lm = try modelOptions.load()
        let promptTokens: [Int]
        if chat {
            var messages = [ChatMessage]()
            if let system { messages.append(ChatMessage(role: "system", content: system)) }
            messages.append(ChatMessage(role: "user", content: prompt))
            promptTokens = try lm.chatPrompt(messages).tokens
        } else {
            promptTokens = lm.tokenize(prompt, addSpecial: !noBOS, parseSpecial: parseSpecial)
        }
        var request = GenerationRequest(prompt: promptTokens, maxTokens: maxTokens, sampling: sampling.parameters,
                                        stop: stop, ignoreEndOfGeneration: ignoreEOS)
        if maxTokens == 0 { request.maxTokens = 0 }
        let output = StandardOutput()
        let result = try lm.generator.generate(request) { token in
            if !json { output.write(token.text) }
            return true
        }
        if json {
            let object = GenerateOutput(prompt_tokens: result.promptTokens, tokens: result.tokens, text: result.text,
                                        finish_reason: result.finishReason.rawValue,
                                        timings: .init(result.timings),
                                        memory: .init(model_file_bytes: lm.model.file.file.bytes.count,
                                                      kv_cache_bytes: result.kvCacheBytes,
                                                      peak_rss_bytes: peakResidentBytes()))
            print(try encodeJSON(object))
        } else {
            output.write("\n")
            let t = result.timings
            FileHandle.standardError.write(String(
                format: "\n[prompt: %d tokens, %.1f tok/s | generated: %d tokens, %.1f tok/s | %@]\n",
                t.promptTokensEvaluated, t.promptTokensPerSecond, t.generatedTokens, t.generationTokensPerSecond,
                result.finishReason.rawValue).data(using: .utf8)!)
        }
    }
}

struct GenerateOutput: Encodable {
    let prompt_tokens: [Int]
    let tokens: [Int]
    let text: String
    let finish_reason: String
    let timings: Timings
    let memory: Memory

    /// Peak resident memory of the process, with what it may legitimately hold: the mapped
    /// model file (pages touched count as resident) and the KV cache.
    struct Memory: Encodable {
        let model_file_bytes: Int
        let kv_cache_bytes: Int
        let peak_rss_bytes: Int
    }

    struct Timings: Encodable {
        let prompt_tokens_evaluated: Int
        let prompt_seconds: Double
        let generated_tokens: Int
        let generation_seconds: Double
        init(_ t: GenerationTimings) {
            prompt_tokens_evaluated = t.promptTokensEvaluated; prompt_seconds = t.promptSeconds
            generated_tokens = t.generatedTokens; generation_seconds = t.generationSeconds
        }
    }
}

func encodeJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Unbuffered writes of streamed text to stdout.
final class StandardOutput {
    func write(_ s: String) {
        guard !s.isEmpty else { return }
        FileHandle.standardOutput.write(s.data(using: .utf8)!)
    }
}

/// The process's peak resident set size in bytes: `VmHWM` of /proc/self/status, the high-water
/// mark of this program's own address space. (getrusage's ru_maxrss is no good here: Linux
/// carries the parent's peak across fork and exec, so a child of a large process reports the
/// parent's figure.) Falls back to ru_maxrss where /proc is missing.
func peakResidentBytes() -> Int {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
       let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
       let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") {
        return kib * 1024
    }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) * 1024
}
