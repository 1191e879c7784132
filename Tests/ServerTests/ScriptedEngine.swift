import Foundation
@testable import Generation
import Logging
@testable import Server
import TestSupport
import Tokenization

/// An engine double: every request "generates" the same scripted pieces, one token each, and
/// the double records what it was asked and which streams were abandoned.
final class ScriptedEngine: GenerationEngine, @unchecked Sendable {
    let tokenizer: Tokenizer
    let pieces: [String]
    /// Pause before each token (to keep a stream open while a test disconnects).
    let tokenDelay: Duration
    /// Requests that may be open at once; more are refused with `queueFull`.
    let capacity: Int

    private let lock = NSLock()
    private var _submitted: [EngineRequest] = []
    private var _open = 0
    private var _cancelled = 0

    init(tokenizer: Tokenizer, pieces: [String], tokenDelay: Duration = .zero, capacity: Int = 64) {
        self.tokenizer = tokenizer; self.pieces = pieces; self.tokenDelay = tokenDelay; self.capacity = capacity
    }

    var submitted: [EngineRequest] { lock.withLock { _submitted } }
    /// Streams whose consumer went away before the end.
    var cancelled: Int { lock.withLock { _cancelled } }
    var open: Int { lock.withLock { _open } }

    func submit(_ request: EngineRequest) throws(EngineError) -> AsyncThrowingStream<EngineEvent, Error> {
        let refused: Bool = lock.withLock {
            if _open >= capacity { return true }
            _open += 1
            _submitted.append(request)
            return false
        }
        if refused { throw .queueFull(limit: capacity) }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: EngineEvent.self)
        let task = Task { [pieces, tokenDelay, tokenizer] in
            if let k = request.promptLogprobs {
                continuation.yield(.promptLogprobs([nil] + request.prompt.dropFirst().map { Self.logprob($0, k) }))
            }
            var ids: [Int] = []
            for piece in pieces.prefix(request.maxTokens) {
                if tokenDelay > .zero { try? await Task.sleep(for: tokenDelay) }
                if Task.isCancelled { return }
                let id = tokenizer.encode(piece, addSpecial: false).first ?? 0
                ids.append(id)
                continuation.yield(.token(EngineToken(id: id, text: piece, logprob: request.logprobs.map { Self.logprob(id, $0) })))
            }
            let finish: FinishReason = ids.count < pieces.count ? .length : .stop
            continuation.yield(.finished(EngineCompletion(
                finishReason: finish, promptTokens: request.prompt.count, cachedPromptTokens: 0, tokens: ids,
                text: pieces.prefix(request.maxTokens).joined(), timeToFirstToken: 0.01, totalSeconds: 0.02)))
            continuation.finish()
        }
        continuation.onTermination = { [weak self] reason in
            task.cancel()
            self?.lock.withLock {
                self?._open -= 1
                if case .cancelled = reason { self?._cancelled += 1 }
            }
        }
        return stream
    }

    /// log p = -0.5 for the token itself, and k alternatives (the token first).
    static func logprob(_ id: Int, _ k: Int) -> TokenLogprob {
        TokenLogprob(id: id, logprob: -0.5, top: (0..<k).map { TokenLogprob.Alternative(id: id + $0, logprob: -0.5 - Float($0)) })
    }

    var metrics: EngineMetrics {
        var m = EngineMetrics()
        m.running = open
        m.kvPagesTotal = 100
        m.kvPagesUsed = 25
        m.pageSize = 16
        return m
    }

    func shutdown(graceful: Bool) async {}
}

/// A tiny real model (random weights, byte-level BPE, a ChatML template) for prompts and tokens.
enum TinyChatModel {
    static let template = """
        {% for m in messages %}<|im_start|>{{ m.role }}
        {{ m.content }}<|im_end|>
        {% endfor %}{% if tools %}<|im_start|>tools
        {{ tools | tojson }}<|im_end|>
        {% endif %}{% if add_generation_prompt %}<|im_start|>assistant
        {% endif %}
        """

    static let languageModel: LanguageModel = {
        let path = temporaryPath("tiny-chat.gguf")
        try! TinyModel.llama(contextLength: 1024, chatTemplate: template).write(to: path)
        return try! LanguageModel(path)
    }()
}

/// Runs `body` against a live server on a free loopback port, with `engine` behind it.
func withServer(_ engine: ScriptedEngine, configure: (inout OpenAIServerConfiguration) -> Void = { _ in },
                _ body: (Int) async throws -> Void) async throws {
    let model = ServedModel(id: "tiny", languageModel: TinyChatModel.languageModel, engine: engine, contextSize: 1024, created: 1)
    var configuration = OpenAIServerConfiguration()
    configuration.port = 0
    configure(&configuration)
    var logger = Logger(label: "test")
    logger.logLevel = .critical  // Hummingbird logs cancellation at shutdown as an error
    let server = OpenAIServer(configuration: configuration, slot: ModelSlot(model), logger: logger)
    let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
    let app = server.makeApplication { portSink.yield($0) }
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { return }
        try await body(port)
        group.cancelAll()
    }
}

func engine(_ pieces: [String] = ["Hello", " world", "!"], tokenDelay: Duration = .zero, capacity: Int = 64) -> ScriptedEngine {
    ScriptedEngine(tokenizer: TinyChatModel.languageModel.tokenizer, pieces: pieces, tokenDelay: tokenDelay, capacity: capacity)
}
