import ArgumentParser
import Foundation
import Generation
import ModelFiles
import Tokenization

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize", abstract: "Print the token ids of a text as a JSON array (or decode ids with --decode).")

    @Option(name: .shortAndLong, help: "A GGUF file or a short name.") var model: String = ModelCatalog.defaultModel
    @Option(help: "An HF tokenizer.json (byte-level BPE) to use instead of the model's tokenizer.") var tokenizer: String?
    @Option(name: .shortAndLong, help: "The text (with --decode: a JSON array of ids).") var text: String
    @Flag(help: "Decode a JSON array of ids into text.") var decode = false
    @Flag(name: .customLong("parse-special"), help: "Turn special-token text into special tokens.") var parseSpecial = false
    @Flag(name: .customLong("no-bos"), help: "Add no BOS token.") var noBOS = false
    @Flag(help: "With --decode: render special tokens as text.") var special = false

    func run() throws {
        let tokenizer: Tokenizer
        if let json = self.tokenizer {
            tokenizer = try Tokenizer(tokenizerJSON: json)
        } else {
            tokenizer = try Tokenizer(gguf: try GGUFFile(path: try ModelCatalog.resolve(model)))
        }
        if decode {
            let ids = try parseIDs(text, vocabularySize: tokenizer.vocabularySize)
            print(try encodeJSON(tokenizer.decode(ids, renderSpecial: special)))
        } else {
            let ids = tokenizer.encode(text, addSpecial: !noBOS, parseSpecial: parseSpecial)
            print("[" + ids.map(String.init).joined(separator: ", ") + "]")
        }
    }

    func parseIDs(_ s: String, vocabularySize: Int) throws -> [Int] {
        let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("["), trimmed.hasSuffix("]") else {
            throw ValidationError("--decode expects a JSON array of token ids, like [1, 2, 3]")
        }
        let body = trimmed.dropFirst().dropLast()
        if body.trimmingCharacters(in: .whitespaces).isEmpty { return [] }
        return try body.split(separator: ",").map { part in
            guard let id = Int(part.trimmingCharacters(in: .whitespacesAndNewlines)), id >= 0, id < vocabularySize else {
                throw ValidationError("'\(part.trimmingCharacters(in: .whitespaces))' is not a token id of this vocabulary (0..<\(vocabularySize))")
            }
            return id
        }
    }
}
