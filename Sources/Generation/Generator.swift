import Architectures
import Compute
import Foundation
import Tokenization

/// A KV cache and the tokens it holds, kept between generations so that a conversation's next
/// turn only computes what is new (the common prefix is reused).
public final class Session: @unchecked Sendable {
    let cache: KVCache
    /// Tokens whose keys/values are in `cache`, in order.
    public internal(set) var tokens: [Int] = []

    init(cache: KVCache) { self.cache = cache }
}

/// Generates text with one model: prompt in, tokens out, synchronously or as an async stream.
public final class Generator: @unchecked Sendable {
    public let model: DecoderModel
    public let tokenizer: Tokenizer
    /// Positions a session holds (prompt + generated).
    public let contextSize: Int
    let pool: ThreadPool

    public init(model: DecoderModel, tokenizer: Tokenizer, contextSize: Int? = nil, pool: ThreadPool = .shared) {
        self.model = model
        self.tokenizer = tokenizer
        self.contextSize = min(contextSize ?? 4096, model.config.contextLength)
        self.pool = pool
    }

    public func makeSession() -> Session { Session(cache: model.makeCache(maxPositions: contextSize)) }

    /// Runs a generation, calling `onToken` for each token as it is produced (return false to
    /// stop early, reported as `.cancelled`). A `session` carries the KV cache across calls.
    public func generate(_ request: GenerationRequest, session: Session? = nil,
                         onToken: (GeneratedToken) -> Bool = { _ in true }) throws -> GenerationResult {
        guard !request.prompt.isEmpty else { throw GenerationError.emptyPrompt }
        guard request.prompt.count < contextSize else {
            throw GenerationError.promptTooLong(tokens: request.prompt.count, context: contextSize)
        }
        let session = session ?? makeSession()
        var timings = GenerationTimings()
        let logits = FloatBuffer(count: model.config.vocabularySize, zeroed: false)

        // Reuse the longest common prefix; always recompute at least the last prompt token.
        var reuse = zip(session.tokens, request.prompt).prefix { $0 == $1 }.count
        reuse = min(reuse, request.prompt.count - 1)
        session.cache.truncate(to: reuse)
        session.tokens.removeSubrange(reuse...)
        let fresh = Array(request.prompt[reuse...])
        let promptStart = Date()
        try model.forward(fresh, cache: session.cache, selection: .last, logits: logits, pool: pool)
        session.tokens += fresh
        timings.promptTokensEvaluated = fresh.count
        timings.promptSeconds = Date().timeIntervalSince(promptStart)

        var sampler = Sampler(request.sampling)
        var output = GeneratedText(tokenizer: tokenizer, stop: request.stop)
        let endTokens = tokenizer.endOfGenerationTokens
        var history = request.prompt
        var generated = [Int]()
        var finish = FinishReason.length
        let generationStart = Date()
        loop: while generated.count < request.maxTokens {
            let next = sampler.sample(logits.pointer, vocabularySize: model.config.vocabularySize, history: history)
            generated.append(next)
            history.append(next)
            if endTokens.contains(next), !request.ignoreEndOfGeneration {
                let tail = output.finish()
                if !tail.isEmpty, !onToken(GeneratedToken(id: next, text: tail)) { finish = .cancelled; break loop }
                finish = .stop
                break loop
            }
            let (piece, stopped) = output.push(next)
            if !onToken(GeneratedToken(id: next, text: piece)) { finish = .cancelled; break loop }
            if stopped { finish = .stop; break loop }
            if generated.count == request.maxTokens { break loop }
            if session.cache.count >= contextSize { finish = .length; break loop }
            try model.forward([next], cache: session.cache, selection: .last, logits: logits, pool: pool)
            session.tokens.append(next)
        }
        if finish == .length {
            let tail = output.finish()
            if !tail.isEmpty { _ = onToken(GeneratedToken(id: generated.last ?? -1, text: tail)) }
        }
        timings.generatedTokens = generated.count
        timings.generationSeconds = Date().timeIntervalSince(generationStart)
        return GenerationResult(promptTokens: request.prompt, tokens: generated, text: output.text,
                                finishReason: finish, timings: timings, kvCacheBytes: session.cache.allocatedBytes)
    }

    /// The same generation as an async stream of events, run on a dedicated thread (a forward
    /// pass blocks for milliseconds and must not occupy a Swift-concurrency thread). Ending the
    /// stream's consumption (or cancelling its task) stops generation at the next token.
    public func stream(_ request: GenerationRequest, session: Session? = nil) -> AsyncThrowingStream<GenerationEvent, Error> {
        let (stream, continuation) = AsyncThrowingStream<GenerationEvent, Error>.makeStream(bufferingPolicy: .unbounded)
        let cancelled = CancellationFlag()
        continuation.onTermination = { _ in cancelled.set() }
        let thread = Thread { [self] in
            do {
                let result = try generate(request, session: session) { token in
                    if cancelled.isSet { return false }
                    continuation.yield(.token(token))
                    return true
                }
                continuation.yield(.finished(result))
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
        return stream
    }
}

/// A flag set from any thread.
final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
