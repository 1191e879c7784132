import Architectures
import Compute
import Foundation
import Tokenization

/// Continuous batching: one scheduler loop runs every active request in one forward per step.
/// Requests join and leave between steps; long prompts are prefilled in chunks beside running
/// decodes; keys and values live in a paged cache with a fixed memory budget, and pages of a
/// prompt prefix computed before are reused. The server and any library user are clients of
/// the same `submit` API: an async stream of events per request.
public final class Engine: @unchecked Sendable {
    public let model: DecoderModel
    public let tokenizer: Tokenizer
    public let configuration: EngineConfiguration
    let pool: ThreadPool
    let cache: PagedKVCache
    let vocabularySize: Int
    /// The token the engine forces when a constraint says the output must end.
    let endToken: Int?

    // Shared with clients, under `lock`.
    private let lock = NSCondition()
    private var inbox: [EngineSequence] = []
    private var cancelled: Set<Int> = []
    private var accepting = true
    private var stopping = false
    private var live = 0
    private var nextID = 0
    private var published = EngineMetrics()

    // Owned by the scheduler thread.
    private var allocator: PageAllocator
    private var waiting: [EngineSequence] = []
    private var running: [EngineSequence] = []
    private var totals = EngineMetrics()
    private let logits: FloatBuffer
    private let logitRows: Int
    private var rowCopy: [Float]
    private var mask: [Bool]
    private var thread: Thread?

    /// Prompt rows per step whose logits are kept for prompt log-probabilities (bounds memory).
    static let promptRowsPerStep = 32

    public init(model: DecoderModel, tokenizer: Tokenizer, configuration: EngineConfiguration = EngineConfiguration(),
                pool: ThreadPool = .shared) throws(EngineError) {
        var c = configuration
        c.contextSize = min(c.contextSize, model.config.contextLength)
        guard c.maxRunning > 0, c.contextSize > 1, c.pageSize > 0, c.stepTokens >= c.maxRunning, c.maxWaiting >= 0 else {
            throw .internalFailure("invalid engine configuration \(c)")
        }
        self.model = model
        self.tokenizer = tokenizer
        self.configuration = c
        self.pool = pool
        vocabularySize = model.config.vocabularySize
        let pageBytes = model.kvBytesPerPosition * c.pageSize
        let budget = c.kvCacheBytes ?? min(c.maxRunning * c.contextSize * model.kvBytesPerPosition, 2 << 30)
        let pageCount = max(1, budget / pageBytes)
        // Pages are touched now, so the cache's memory is taken once at start, not as load grows.
        cache = model.makePagedCache(pageSize: c.pageSize, pageCount: pageCount)
        cache.touchAll()
        allocator = PageAllocator(pageCount: pageCount, pageSize: c.pageSize)
        logitRows = c.maxRunning + Self.promptRowsPerStep
        logits = FloatBuffer(count: logitRows * vocabularySize, zeroed: false)
        rowCopy = Array(repeating: 0, count: vocabularySize)
        mask = Array(repeating: false, count: vocabularySize)
        endToken = tokenizer.eos ?? tokenizer.endOfGenerationTokens.min()
        published.kvPagesTotal = pageCount
        published.pageSize = c.pageSize
        totals = published
        // The thread holds the engine until `shutdown` ends the loop.
        let thread = Thread { self.loop() }
        thread.name = "tern-engine"
        thread.stackSize = 8 << 20
        self.thread = thread
        thread.start()
    }

    /// Positions the whole KV cache holds.
    public var cachePositions: Int { cache.pageCount * cache.pageSize }

    /// Queues a request. The stream yields `.promptLogprobs` (if asked), `.token`s and
    /// `.finished`; dropping the stream (or cancelling the task that iterates it) cancels the
    /// request and frees its pages at the next step.
    public func submit(_ request: EngineRequest) throws(EngineError) -> AsyncThrowingStream<EngineEvent, Error> {
        let prompt = request.prompt
        guard !prompt.isEmpty else { throw .emptyPrompt }
        if let bad = prompt.first(where: { $0 < 0 || $0 >= vocabularySize }) {
            throw .tokenOutOfRange(token: bad, vocabularySize: vocabularySize)
        }
        let limit = configuration.contextSize - (request.maxTokens > 0 ? 1 : 0)
        guard prompt.count <= limit else { throw .promptTooLong(tokens: prompt.count, limit: configuration.contextSize) }
        guard prompt.count + 1 <= cachePositions else {
            throw .exceedsCacheCapacity(tokens: prompt.count + 1, capacity: cachePositions)
        }
        let (stream, continuation) = AsyncThrowingStream<EngineEvent, Error>.makeStream(bufferingPolicy: .unbounded)
        lock.lock()
        defer { lock.unlock() }
        guard accepting else { throw .shuttingDown }
        guard live - published.running < configuration.maxWaiting + max(0, configuration.maxRunning - published.running) else {
            throw .queueFull(limit: configuration.maxWaiting)
        }
        let id = nextID
        nextID += 1
        continuation.onTermination = { [weak self] termination in
            if case .cancelled = termination { self?.cancel(id) }
        }
        inbox.append(EngineSequence(id: id, request: request, tokenizer: tokenizer, continuation: continuation,
                                    submitted: monotonicSeconds()))
        live += 1
        lock.signal()
        return stream
    }

    /// A snapshot of load and totals.
    public var metrics: EngineMetrics {
        lock.lock()
        defer { lock.unlock() }
        var m = published
        m.waiting += inbox.count
        return m
    }

    /// Stops taking requests (`submit` throws `.shuttingDown`). Graceful: running and waiting
    /// requests finish; otherwise they end now with `.cancelled`. Returns when none is left and
    /// the scheduler thread has stopped.
    public func shutdown(graceful: Bool) async {
        stopAccepting(cancelAll: !graceful)
        while !stopIfDrained() { try? await Task.sleep(nanoseconds: 5_000_000) }
    }

    private func stopAccepting(cancelAll: Bool) {
        lock.lock()
        accepting = false
        if cancelAll { cancelled.formUnion(0..<nextID) }
        lock.signal()
        lock.unlock()
    }

    /// Stops the scheduler thread once no request is left; whether it did.
    private func stopIfDrained() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard live == 0 else { return false }
        stopping = true
        lock.signal()
        return true
    }

    private func cancel(_ id: Int) {
        lock.lock()
        cancelled.insert(id)
        lock.signal()
        lock.unlock()
    }

    // MARK: - The scheduler loop

    private func loop() {
        while true {
            lock.lock()
            while inbox.isEmpty, waiting.isEmpty, running.isEmpty, cancelled.isEmpty, !stopping { lock.wait() }
            if stopping, live == 0 { lock.unlock(); return }
            waiting += inbox
            inbox.removeAll()
            let cancels = cancelled
            cancelled.removeAll()
            lock.unlock()
            if !cancels.isEmpty {
                for s in running + waiting where cancels.contains(s.id) { finish(s, .cancelled) }
            }
            if !running.isEmpty || !waiting.isEmpty { step() }
            publish()
        }
    }

    /// Makes the scheduler's counters visible to `metrics`.
    private func publish() {
        var m = totals
        m.running = running.count
        m.waiting = waiting.count
        m.kvPagesUsed = allocator.usedCount
        m.kvPagesCached = allocator.cachedCount
        lock.lock()
        published = m
        lock.unlock()
    }

    /// One step: pages for the decodes (preempting the newest sequences if the cache is full),
    /// admission of waiting requests, one forward over all scheduled tokens, then sampling.
    private func step() {
        let pageSize = configuration.pageSize
        // Every running sequence about to decode needs a page for its next position.
        var i = 0
        while i < running.count {
            let s = running[i]
            if s.pending == 1, s.computed >= s.pages.count * pageSize {
                if let page = allocator.allocate() {
                    s.pages.append(page)
                } else if running.count == 1 {
                    finish(s, .length)  // alone and out of pages: the cache holds no more of it
                    continue
                } else {
                    preempt(running.removeLast())
                    continue
                }
            }
            i += 1
        }
        admit()
        guard !running.isEmpty else { return }

        // Decodes first, one token each; the rest of the budget goes to prompt chunks in order.
        var budget = configuration.stepTokens
        var promptRows = Self.promptRowsPerStep
        var scheduled: [(EngineSequence, Int)] = []
        var batch: [BatchSequence] = []
        for s in running where s.pending == 1 {
            scheduled.append((s, 1))
            batch.append(BatchSequence(tokens: [s.tokens[s.computed]], start: s.computed, pages: s.pages,
                                       logits: s.wantsPromptRows ? .all : .last))
            budget -= 1
        }
        for s in running where s.pending > 1 && budget > 0 {
            var chunk = min(s.pending, budget)
            var selection: LogitSelection = s.computed + chunk == s.tokens.count ? .last : .none
            if s.wantsPromptRows {
                guard promptRows > 0 else { continue }
                chunk = min(chunk, promptRows)
                promptRows -= chunk
                selection = .all
            }
            scheduled.append((s, chunk))
            batch.append(BatchSequence(tokens: Array(s.tokens[s.computed..<s.computed + chunk]), start: s.computed,
                                       pages: s.pages, logits: selection))
            budget -= chunk
        }
        do {
            try model.forward(batch: batch, cache: cache, logits: logits, pool: pool)
        } catch {
            for (s, _) in scheduled { fail(s, .internalFailure("\(error)")) }
            return
        }
        totals.steps += 1

        var row = 0
        for ((s, chunk), entry) in zip(scheduled, batch) {
            let first = s.computed
            s.computed += chunk
            if first < s.promptCount { totals.promptTokens += min(chunk, s.promptCount - first) }
            var sampleRow: UnsafeMutablePointer<Float>? = nil
            switch entry.logits {
            case .all:
                for r in 0..<chunk {
                    let target = first + r + 1
                    if target < s.promptCount, let k = s.request.promptLogprobs {
                        s.promptLogprobs[target] = logprob(of: s.tokens[target], in: logits.pointer + (row + r) * vocabularySize, top: k)
                    }
                }
                if s.computed == s.tokens.count { sampleRow = logits.pointer + (row + chunk - 1) * vocabularySize }
                row += chunk
            case .last:
                sampleRow = logits.pointer + row * vocabularySize
                row += 1
            case .none: break
            }
            registerFullPages(s)
            guard let sampleRow else { continue }
            if s.request.promptLogprobs != nil, !s.promptLogprobsSent {
                s.promptLogprobsSent = true
                s.continuation.yield(.promptLogprobs(s.promptLogprobs))
            }
            if s.generated.count >= s.request.maxTokens {
                finish(s, .length)
                continue
            }
            emit(s, next(s, logits: sampleRow))
        }
    }

    /// Moves waiting requests into the running set while there are slots and pages.
    private func admit() {
        let pageSize = configuration.pageSize
        while running.count < configuration.maxRunning, let s = waiting.first {
            // Full pages of the prompt (but never its last token: its logits are needed) that an
            // earlier request computed.
            var hits: [Int32] = [], hashes: [UInt64] = []
            if configuration.prefixCaching {
                var parent: UInt64 = 0
                var b = 0
                while (b + 1) * pageSize <= s.tokens.count - 1 {
                    let block = s.tokens[b * pageSize ..< (b + 1) * pageSize]
                    let h = PageAllocator.chainHash(parent: parent, tokens: block)
                    guard let page = allocator.lookup(h, tokens: block) else { break }
                    hits.append(page); hashes.append(h)
                    parent = h
                    b += 1
                }
            }
            let needed = (s.tokens.count + pageSize - 1) / pageSize - hits.count
            guard allocator.available >= needed else {
                for p in hits { allocator.release(p) }
                if running.isEmpty {
                    // Even an empty cache cannot hold it (it grew past the cache while running).
                    finish(s, .length)
                    continue
                }
                break
            }
            waiting.removeFirst()
            s.pages = hits
            for _ in 0..<needed { s.pages.append(allocator.allocate()!) }
            s.hashes = hashes
            s.computed = hits.count * pageSize
            if !s.admittedOnce {
                s.admittedOnce = true
                s.cachedPromptTokens = min(s.computed, s.promptCount)
                totals.cachedPromptTokens += s.cachedPromptTokens
                totals.promptTokens += s.cachedPromptTokens
            }
            running.append(s)
        }
    }

    /// Registers each newly completed page of `s` in the prefix cache.
    private func registerFullPages(_ s: EngineSequence) {
        guard configuration.prefixCaching else { return }
        let pageSize = configuration.pageSize
        while (s.hashes.count + 1) * pageSize <= s.computed {
            let b = s.hashes.count
            let block = s.tokens[b * pageSize ..< (b + 1) * pageSize]
            let h = PageAllocator.chainHash(parent: s.hashes.last ?? 0, tokens: block)
            allocator.register(s.pages[b], hash: h, tokens: block)
            s.hashes.append(h)
        }
    }

    /// Frees a running sequence's pages and puts it first in line; it recomputes its tokens
    /// (prompt and output so far) when admitted again, mostly from the prefix cache.
    private func preempt(_ s: EngineSequence) {
        for p in s.pages { allocator.release(p) }
        s.pages = []
        s.hashes = []
        s.computed = 0
        waiting.insert(s, at: 0)
        totals.preemptions += 1
    }

    // MARK: - Choosing and emitting tokens

    /// The next token of `s` from its logits row (modified in place).
    private func next(_ s: EngineSequence, logits row: UnsafeMutablePointer<Float>) -> (Int, TokenLogprob?) {
        let n = vocabularySize
        var raw: TokenLogprob? = nil
        if s.request.logprobs != nil { rowCopy.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: row, count: n) } }
        var token: Int
        if let c = s.constraint, c.mustEnd, let end = endToken {
            token = end
        } else {
            token = s.sampler.sample(row, vocabularySize: n, history: s.tokens)
            if let c = s.constraint, !allowed(token, by: c) {
                c.allowedTokens(into: &mask)
                for t in tokenizer.endOfGenerationTokens where t < n { mask[t] = c.isComplete }
                var anyAllowed = false
                for i in 0..<n { if mask[i] { anyAllowed = true } else { row[i] = -.infinity } }
                // A constraint that allows nothing (a dead end) ends the output rather than
                // letting an arbitrary token through.
                token = anyAllowed ? s.sampler.choose(row, vocabularySize: n) : (endToken ?? token)
            }
            if var c = s.constraint, !tokenizer.isEndOfGeneration(token) {
                c.accept(token)
                s.constraint = c
            }
        }
        if let k = s.request.logprobs {
            raw = rowCopy.withUnsafeBufferPointer { logprob(of: token, in: $0.baseAddress!, top: k) }
        }
        return (token, raw)
    }

    private func allowed(_ token: Int, by c: any TokenConstraint) -> Bool {
        tokenizer.isEndOfGeneration(token) ? c.isComplete : c.allows(token)
    }

    /// Appends the chosen token, streams its text, and ends the request at an end-of-generation
    /// token, a stop string, `maxTokens` or the context limit.
    private func emit(_ s: EngineSequence, _ choice: (Int, TokenLogprob?)) {
        let (token, logprob) = choice
        if s.firstTokenTime == nil { s.firstTokenTime = monotonicSeconds() }
        s.generated.append(token)
        s.tokens.append(token)
        totals.generatedTokens += 1
        if tokenizer.isEndOfGeneration(token), !s.request.ignoreEndOfGeneration {
            s.continuation.yield(.token(EngineToken(id: token, text: s.output.finish(), logprob: logprob)))
            finish(s, .stop, flushed: true)
            return
        }
        let (piece, stopped) = s.output.push(token)
        s.continuation.yield(.token(EngineToken(id: token, text: piece, logprob: logprob)))
        if stopped { finish(s, .stop, flushed: true) }
        else if s.generated.count >= s.request.maxTokens || s.tokens.count >= configuration.contextSize { finish(s, .length) }
    }

    /// Ends `s`: flushes held-back text (unless `flushed`), frees its pages, sends `.finished`.
    private func finish(_ s: EngineSequence, _ reason: FinishReason, flushed: Bool = false) {
        if reason == .length, !flushed {
            let tail = s.output.finish()
            if !tail.isEmpty { s.continuation.yield(.token(EngineToken(id: -1, text: tail, logprob: nil))) }
        }
        if reason == .length, s.request.promptLogprobs != nil, !s.promptLogprobsSent {
            s.promptLogprobsSent = true
            s.continuation.yield(.promptLogprobs(s.promptLogprobs))
        }
        let now = monotonicSeconds()
        let completion = EngineCompletion(finishReason: reason, promptTokens: s.promptCount,
                                          cachedPromptTokens: s.cachedPromptTokens, tokens: s.generated, text: s.output.text,
                                          timeToFirstToken: (s.firstTokenTime ?? now) - s.submitted,
                                          totalSeconds: now - s.submitted)
        remove(s)
        if reason == .cancelled { totals.requestsCancelled += 1 } else { totals.requestsFinished += 1 }
        publish()  // a client that saw `.finished` sees the metrics without this request
        s.continuation.yield(.finished(completion))
        s.continuation.finish()
    }

    private func fail(_ s: EngineSequence, _ error: EngineError) {
        remove(s)
        totals.requestsFinished += 1
        publish()
        s.continuation.finish(throwing: error)
    }

    private func remove(_ s: EngineSequence) {
        for p in s.pages { allocator.release(p) }
        s.pages = []
        running.removeAll { $0 === s }
        waiting.removeAll { $0 === s }
        lock.lock()
        live -= 1
        lock.unlock()
    }

    /// Log-probability of `token` under `row` (raw logits) and the `top` most likely tokens.
    func logprob(of token: Int, in row: UnsafePointer<Float>, top: Int) -> TokenLogprob {
        let n = vocabularySize
        let best = Kernels.argmax(row, n).value
        var sum: Float = 0
        for i in 0..<n { sum += expf(row[i] - best) }
        let lse = best + logf(sum)
        var alternatives: [TokenLogprob.Alternative] = []
        if top > 0 {
            var heap = MinHeap(capacity: min(top, n))
            for i in 0..<n { heap.offer(id: i, logit: row[i]) }
            alternatives = heap.items.sorted { $0.logit != $1.logit ? $0.logit > $1.logit : $0.id < $1.id }
                .map { TokenLogprob.Alternative(id: $0.id, logprob: $0.logit - lse) }
        }
        return TokenLogprob(id: token, logprob: row[token] - lse, top: alternatives)
    }
}
