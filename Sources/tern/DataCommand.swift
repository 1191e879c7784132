import ArgumentParser
import Foundation
import Tokenization

/// `tern data …`: turn corpora into training data.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Prepare training data: run data pipelines, make token shards.",
        subcommands: [RunDataCommand.self, TokenizeDataCommand.self])
}

/// `tern data tokenize`: a thin shell over `TokenShardBuilder`.
struct TokenizeDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Tokenize JSONL or text files into token shards (uint16/uint32 ids + manifest.json) for training.",
        discussion: """
            .jsonl/.ndjson files: each non-blank line is a JSON object whose text field is one document. \
            Other files: plain UTF-8 text, one document per file. Documents are encoded without BOS/EOS \
            and with special-token text kept as text; --append-eos ends each with the tokenizer's \
            <|endoftext|> (or <|end_of_text|>, or EOS). The same inputs give byte-identical shards.
            """)

    @Option(help: "An HF tokenizer.json (byte-level BPE).") var tokenizer: String
    @Option(name: .shortAndLong, help: "The shard directory to create (must not hold a manifest.json).") var output: String
    @Option(name: .customLong("shard-tokens"), help: "Token ids per shard.")
    var shardTokens: Int = TokenShardBuilder.Configuration().shardTokens
    @Option(name: .customLong("validation-fraction"), help: "Hold out each document with this probability (a fixed hash of its index).")
    var validationFraction: Double?
    @Option(name: .customLong("validation-documents"), help: "Hold out the first N documents.")
    var validationDocuments: Int?
    @Option(name: .customLong("text-field"), help: "The JSONL field holding the text.")
    var textField: String = TokenShardBuilder.Configuration().textField
    @Flag(name: .customLong("append-eos"), help: "End each document with the end-of-text token.") var appendEOS = false
    @Option(help: "Encoding threads (0: every core); the output does not depend on it.") var threads: Int = 0
    @Argument(help: "Input files, read in the order given.") var inputs: [String]

    func validate() throws {
        if validationFraction != nil && validationDocuments != nil {
            throw ValidationError("give --validation-fraction or --validation-documents, not both")
        }
    }

    func run() throws {
        var c = TokenShardBuilder.Configuration()
        c.shardTokens = shardTokens
        c.textField = textField
        c.appendEndOfDocument = appendEOS
        c.threads = threads
        if let f = validationFraction { c.validationSplit = .fraction(f) }
        if let n = validationDocuments { c.validationSplit = .firstDocuments(n) }
        let builder = try TokenShardBuilder(tokenizer: Tokenizer(tokenizerJSON: tokenizer), configuration: c)
        let err = FileHandle.standardError
        let start = Date()
        var reported = false
        let manifest: TokenShardManifest
        do {
            manifest = try builder.build(inputs: inputs, outputDirectory: output) { p in
                let seconds = max(Date().timeIntervalSince(start), 1e-9)
                err.write(Data(("\r\(p.input): " + String(format: "%d documents, %d tokens, %.1f MB (%.2f MB/s)", p.documents,
                                p.tokens, Double(p.bytesRead) / 1e6, Double(p.bytesRead) / seconds / 1e6)).utf8))
                reported = true
            }
        } catch {
            if reported { err.write(Data("\n".utf8)) }  // the error gets a line of its own
            throw error
        }
        if reported { err.write(Data("\n".utf8)) }
        for split in DatasetSplit.allCases where !manifest[split].shards.isEmpty {
            let s = manifest[split]
            err.write(Data("\(split.rawValue): \(s.documents) documents, \(s.tokens) tokens in \(s.shards.count) shards\n".utf8))
        }
        err.write(Data("wrote \(output)/\(TokenShardManifest.fileName)\n".utf8))
    }
}
