import ArgumentParser
import Foundation
import Tokenization

/// `tern tokenizer …`: make and inspect tokenizers.
struct TokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer", abstract: "Train byte-level BPE tokenizers and encode with them (HF tokenizer.json).",
        subcommands: [TrainTokenizerCommand.self, EncodeTokenizerCommand.self])
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

/// `tern tokenizer encode`: encode every line of files with a tokenizer.json, for checks and timing.
struct EncodeTokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode each line of text files with an HF tokenizer.json; print ids or a throughput summary.")

    @Option(help: "An HF tokenizer.json (byte-level BPE).") var tokenizer: String
    @Option(name: .long, parsing: .upToNextOption, help: "Text files; each line (with its line ending) is encoded alone.")
    var input: [String]
    @Flag(help: "Print one JSON array of ids per line.") var ids = false
    @Flag(help: "Print the summary as one JSON object on stdout.") var json = false

    func run() throws {
        let tok = try Tokenizer(tokenizerJSON: tokenizer)
        var lines = [String]()
        for path in input {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("\(path): cannot read the file")
            }
            guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("\(path): not valid UTF-8") }
            var start = text.startIndex
            while start < text.endIndex {
                let end = text[start...].firstIndex(of: "\n").map { text.index(after: $0) } ?? text.endIndex
                lines.append(String(text[start..<end]))
                start = end
            }
        }
        let bytes = lines.reduce(0) { $0 + $1.utf8.count }
        var tokens = 0
        var out = ""
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for line in lines {
                let e = tok.encode(line, addSpecial: true, parseSpecial: true)
                tokens += e.count
                if ids { out += "[" + e.map(String.init).joined(separator: ", ") + "]\n" }
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        if ids { print(out, terminator: "") }
        let summary = "{\"lines\": \(lines.count), \"bytes\": \(bytes), \"tokens\": \(tokens), \"seconds\": \(seconds)}"
        if json { print(summary) } else {
            FileHandle.standardError.write(Data(String(format: "%d lines, %d bytes, %d tokens in %.3f s (%.2f MB/s)\n",
                                                       lines.count, bytes, tokens, seconds, Double(bytes) / seconds / 1e6).utf8))
        }
    }
}
