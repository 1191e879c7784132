import Architectures
import Compute
import Dispatch
import Foundation
import Hummingbird
import Tokenization

/// The sentence-embedding model a server answers `POST /v1/embeddings` with.
public struct EmbeddingService: Sendable {
    /// The name in `/v1/models` and in responses (`all-MiniLM-L6-v2`).
    public let id: String
    public let embedder: SentenceEmbedder
    /// Threads of the embedding passes: a pool of their own, never the chat engine's (nil: one thread).
    public let pool: ThreadPool?
    /// Inputs one request may send (OpenAI allows 2,048).
    public var maxInputs = 2048

    public init(id: String, embedder: SentenceEmbedder, pool: ThreadPool? = nil) {
        self.id = id
        self.embedder = embedder
        self.pool = pool
    }
}

/// `POST /v1/embeddings` as OpenAI's API has it: `input` a string or an array of strings,
/// `encoding_format` `float` (default) or `base64` (little-endian float32, what the official
/// Python client asks for), `dimensions` only the model's own. Any `model` name is answered by
/// the served embedding model (as the chat routes answer any name with the chat model).
/// Token-id inputs are refused: they would be ids of the chat model's tokenizer, not WordPiece's.
/// Requests are embedded one at a time on a queue of their own, with the service's own thread
/// pool, so they never wait for (or hold) the chat engine's.
struct EmbeddingsEndpoint: Sendable {
    let service: EmbeddingService?
    private static let queue = DispatchQueue(label: "tern.serve.embeddings")

    func respond(body: String) async throws -> Response {
        guard let service else {
            throw APIError(status: .notFound, message: "This server has no embedding model: start it with --embeddings.",
                           type: "invalid_request_error", code: "model_not_found")
        }
        let f = try JSONFields(body: body)
        guard let input = f.value("input") else { throw APIError.invalidRequest("'input' is required.", param: "input") }
        var texts: [String] = []
        switch input {
        case .string(let s): texts = [s]
        case .array(let items):
            guard !items.isEmpty else { throw APIError.invalidRequest("'input' must not be empty.", param: "input") }
            for (i, item) in items.enumerated() {
                guard case .string(let s) = item else {
                    throw APIError.invalidRequest(
                        "'input[\(i)]' must be a string (token-id input is not supported for this model).", param: "input[\(i)]")
                }
                texts.append(s)
            }
        default:
            throw APIError.invalidRequest("'input' must be a string or an array of strings.", param: "input")
        }
        guard texts.count <= service.maxInputs else {
            throw APIError.invalidRequest("'input' has \(texts.count) items; at most \(service.maxInputs) per request.", param: "input")
        }
        let format = try f.string("encoding_format") ?? "float"
        guard format == "float" || format == "base64" else {
            throw APIError.invalidRequest("'encoding_format' must be 'float' or 'base64'.", param: "encoding_format")
        }
        let dimension = service.embedder.dimension
        if let asked = try f.int("dimensions"), asked != dimension {
            throw APIError.invalidRequest("'dimensions' must be \(dimension) for \(service.id) (it cannot be shortened).",
                                          param: "dimensions")
        }
        let embedder = service.embedder, inputs = texts, pool = service.pool
        let (vectors, tokens) = await withCheckedContinuation { continuation in
            Self.queue.async {
                let ids = inputs.map { embedder.tokenizer.encode($0) }
                continuation.resume(returning: (embedder.embed(encoded: ids, pool: pool), ids.reduce(0) { $0 + $1.count }))
            }
        }
        let data: [TemplateValue] = vectors.enumerated().map { i, v in
            ["object": "embedding", "index": .int(i),
             "embedding": format == "base64" ? .string(Self.base64(v)) : .array(v.map { .double(Double($0)) })]
        }
        return .json(["object": "list", "data": .array(data), "model": .string(service.id),
                      "usage": ["prompt_tokens": .int(tokens), "total_tokens": .int(tokens)]])
    }

    /// The floats as little-endian float32 bytes, base64 (numpy's `frombuffer(…, dtype="float32")` reads them).
    static func base64(_ v: [Float]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(v.count * 4)
        for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return Data(bytes).base64EncodedString()
    }
}
