import ArgumentParser
import Foundation
import Generation
import ModelFiles

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Describe a model: architecture, sizes, tensor types, tokenizer, chat template.")

    @Option(name: .shortAndLong, help: "A GGUF file or a short name.") var model: String = ModelCatalog.defaultModel
    @Flag(help: "Print the chat template in full.") var template = false

    func run() throws {
        let lm = try LanguageModel(model)
        let c = lm.model.config
        let f = lm.model.file
        var typeCounts = [String: (count: Int, bytes: Int)]()
        for t in f.tensors { typeCounts["\(t.type)", default: (0, 0)].count += 1; typeCounts["\(t.type)"]!.bytes += t.byteCount }
        let parameters = f.tensors.reduce(0) { $0 + $1.elementCount }
        print("file: \(lm.path)")
        print("name: \((try? f.string("general.name")) ?? "-")")
        print("architecture: \(c.architecture)   parameters: \(String(format: "%.1fM", Double(parameters) / 1e6))   file: \(String(format: "%.1f MB", Double(f.file.bytes.count) / 1e6))")
        print("layers: \(c.layerCount)   embedding: \(c.embeddingLength)   feed-forward: \(c.feedForwardLength)   heads: \(c.headCount) (kv \(c.kvHeadCount), dim \(c.headDimension))")
        print("context: \(c.contextLength)   vocabulary: \(c.vocabularySize)   rope: \(c.ropeMode) base \(c.ropeBase)\(c.localRopeBase.map { " (local \($0))" } ?? "")   rms eps: \(c.rmsNormEpsilon)")
        if let w = c.slidingWindow { print("sliding window: \(w) on \(c.slidingLayers.filter { $0 }.count) of \(c.layerCount) layers") }
        print("tied embeddings: \(c.tiedEmbeddings)   weight bytes per token: \(String(format: "%.1f MB", Double(lm.model.weightBytesPerToken) / 1e6))")
        print("tensor types: " + typeCounts.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value.count) (\(String(format: "%.1f MB", Double($0.value.bytes) / 1e6)))" }.joined(separator: ", "))
        let tk = lm.tokenizer
        print("tokenizer: \((try? f.string("tokenizer.ggml.model")) ?? "-") / pre \((try? f.string("tokenizer.ggml.pre")) ?? "-"), \(tk.vocabularySize) tokens, add BOS: \(tk.addsBOS)")
        print("special: bos \(tk.bos.map { "\($0) \(tk.tokenText($0) ?? "")" } ?? "-"), eos \(tk.eos.map { "\($0) \(tk.tokenText($0) ?? "")" } ?? "-"), end of generation \(tk.endOfGenerationTokens.sorted())")
        print("chat template: \(lm.chatTemplateSource ?? "none")")
        if template, let source = try? f.string("tokenizer.chat_template") { print(source) }
    }
}
