import Foundation
import Tokenization

extension CorpusRun {
    /// The `tokenize` step: the kept documents (`data/`, in task order) into token shards in
    /// `tokens/` with their manifest; skipped when a finished `tokens/` is already there.
    func tokenize(_ settings: TokenizeSettings) throws(CorpusError) -> RunReport.Tokens {
        let folder = output + "/tokens", marker = work + "/tokens.done"
        let builder: TokenShardBuilder
        do {
            var c = TokenShardBuilder.Configuration()
            c.shardTokens = settings.shardTokens
            c.appendEndOfDocument = settings.appendEndOfDocument
            c.validationSplit = settings.validationEvery > 0 ? .fraction(1 / Double(settings.validationEvery)) : .none
            builder = try TokenShardBuilder(tokenizer: Tokenizer(tokenizerJSON: recipe.resolve(settings.tokenizer)), configuration: c)
        } catch {
            throw .step(name: "tokenize", reason: "\(error)")
        }
        guard recipe.compression == "none" else { throw .step(name: "tokenize", reason: "needs uncompressed output (compression: none)") }
        let inputs = units.indices.map { output + "/data/\(Self.taskName($0)).jsonl" }
        if let saved = FileManager.default.contents(atPath: marker), let tokens = try? JSONDecoder().decode(RunReport.Tokens.self, from: saved) {
            return tokens
        }
        progress.message("tokenize: \(inputs.count) file(s)")
        let manifest: TokenShardManifest
        do { manifest = try builder.build(inputs: inputs, outputDirectory: folder) } catch { throw .step(name: "tokenize", reason: "\(error)") }
        let shards = manifest.train.shards + manifest.validation.shards
        let tokens = RunReport.Tokens(documents: shards.reduce(0) { $0 + $1.documents }, tokens: shards.reduce(0) { $0 + $1.tokens },
                                      shards: shards.count)
        do { try RunFiles.writeAtomically(Array(JSONEncoder().encode(tokens)), to: marker) } catch let e as CorpusError { throw e } catch {
            throw .io(path: marker, reason: "\(error)")
        }
        return tokens
    }
}
