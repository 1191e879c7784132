import ArgumentParser
import Foundation
import Tokenization

/// `tern tokenizer …`: make and inspect tokenizers.
struct TokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer", abstract: "Train byte-level BPE tokenizers (HF tokenizer.json).",
        subcommands: [TrainTokenizerCommand.self])
}

/// `tern tokenizer train`: a thin shell over `BPETrainer`.
struct TrainTokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a byte-level BPE tokenizer on text or JSONL files and write an HF tokenizer.json.",
        discussion: "Plain text files are read line by line; .jsonl/.ndjson files take each line's \"text\" field.")

    @Option(name: .long, parsing: .upToNextOption, help: "Input files (plain text, or .jsonl with a \"text\" field).")
    var input: [String]
    @Option(name: .customLong("vocab-size"), help: "Vocabulary size, special tokens and the 256 byte symbols included.")
    var vocabSize: Int
    @Option(name: .customLong("min-frequency"), help: "Merge only pairs seen at least this often.")
    var minFrequency: Int = BPETrainer.Configuration().minFrequency
    @Option(name: .customLong("special"), parsing: .upToNextOption, help: "Special tokens (ids 0…, never split).")
    var special: [String] = []
    @Option(name: .customLong("pre-tokenizer"), help: "How text is cut into words: gpt2, llama3 or qwen2.")
    var preTokenizer: String = BPETrainer.Configuration().pattern
    @Option(name: .shortAndLong, help: "Where to write tokenizer.json.")
    var output: String

    func run() throws {
        var c = BPETrainer.Configuration()
        c.vocabularySize = vocabSize
        c.minFrequency = minFrequency
        c.specialTokens = special
        c.pattern = preTokenizer
        var trainer = try BPETrainer(configuration: c)
        let err = FileHandle.standardError
        let start = Date()
        for path in input {
            let bytes = try trainer.add(contentsOf: path, format: .guess(path: path))
            err.write(Data("read \(path): \(bytes) bytes, \(trainer.distinctWordCount) distinct words so far\n".utf8))
        }
        let trained = trainer.train { done, limit in
            err.write(Data("\rmerges: \(done) / \(limit)".utf8))
        }
        err.write(Data("\n".utf8))
        try trained.write(to: output)
        let seconds = String(format: "%.1f", Date().timeIntervalSince(start))
        err.write(Data("wrote \(output): \(trained.vocabulary.count) tokens, \(trained.merges.count) merges in \(seconds) s\n".utf8))
    }
}
