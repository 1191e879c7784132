import Foundation
import Testing
import Architectures
import Compute
import Generation
import TestSupport
import Tokenization

/// Collects one request's events.
struct Collected {
    var tokens: [Int] = []
    var text = ""
    var promptLogprobs: [TokenLogprob?]? = nil
    var logprobs: [TokenLogprob] = []
    var completion: EngineCompletion?

    static func run(_ stream: AsyncThrowingStream<EngineEvent, Error>) async throws -> Collected {
        var c = Collected()
        for try await event in stream {
            switch event {
            case .promptLogprobs(let p): c.promptLogprobs = p
            case .token(let t):
                if t.id >= 0 { c.tokens.append(t.id) }
                c.text += t.text
                if let l = t.logprob { c.logprobs.append(l) }
            case .finished(let f): c.completion = f
            }
        }
        return c
    }
}

/// The continuous-batching engine on real models: batched generation equals single-sequence
/// generation (greedy), whatever the batch, page size, prefill chunking, prefix reuse or
/// preemption; pages are all returned; errors and cancellation behave.
@Suite(.serialized, .enabled(if: TestEnvironment.hasModel("smollm2-135m")))
struct EngineTests {
    static let lm: LanguageModel? = try? LanguageModel("smollm2-135m", contextSize: 1024)
    var lm: LanguageModel { get throws { try #require(Self.lm) } }

    static let prompts = [
        "Once upon a time, in a small village at the edge of a great forest, there lived",
        "The capital of France is",
        "def fibonacci(n):\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n",
        "Photosynthesis is the process by which green plants",
        "1, 2, 3, 4, 5,",
        "Dear Sir or Madam, I am writing to complain about",
        "The three primary colours are",
        "In 1969, Neil Armstrong",
        "A haiku about autumn leaves:\n",
        "Water boils at",
    ]

    /// Greedy tokens of each prompt generated alone with the single-sequence generator.
    func single(_ lm: LanguageModel, _ prompts: [[Int]], maxTokens: Int) throws -> [[Int]] {
        try prompts.map { try lm.generator.generate(GenerationRequest(prompt: $0, maxTokens: maxTokens, sampling: .greedy)).tokens }
    }

    func engine(_ lm: LanguageModel, configure: (inout EngineConfiguration) -> Void = { _ in }) throws -> Engine {
        var c = EngineConfiguration()
        c.contextSize = 1024
        configure(&c)
        return try Engine(model: lm.model, tokenizer: lm.tokenizer, configuration: c)
    }

    func runAll(_ engine: Engine, _ requests: [EngineRequest]) async throws -> [Collected] {
        let streams = try requests.map { try engine.submit($0) }
        return try await withThrowingTaskGroup(of: (Int, Collected).self) { group in
            for (i, s) in streams.enumerated() { group.addTask { (i, try await Collected.run(s)) } }
            var out = [Collected?](repeating: nil, count: streams.count)
            for try await (i, c) in group { out[i] = c }
            return out.map { $0! }
        }
    }

    @Test(arguments: [(16, 256, 8), (4, 7, 3), (32, 64, 10)])
    func batchedGreedyEqualsSingleSequence(pageSize: Int, stepTokens: Int, maxRunning: Int) async throws {
        let lm = try lm
        let prompts = Self.prompts.map { lm.tokenize($0) }
        let want = try single(lm, prompts, maxTokens: 20)
        let engine = try engine(lm) {
            $0.pageSize = pageSize; $0.stepTokens = max(stepTokens, maxRunning); $0.maxRunning = maxRunning
        }
        let got = try await runAll(engine, prompts.map { EngineRequest(prompt: $0, maxTokens: 20, sampling: .greedy) })
        for (i, g) in got.enumerated() {
            #expect(g.tokens == want[i], "prompt \(i): batched \(g.tokens) vs single \(want[i])")
            #expect(g.text == lm.tokenizer.decode(want[i]))
            #expect(g.completion?.finishReason == .length)
        }
        let m = engine.metrics
        #expect(m.kvPagesUsed == 0 && m.running == 0 && m.waiting == 0)
        #expect(m.generatedTokens == 20 * prompts.count)
        await engine.shutdown(graceful: true)
    }

    @Test func preemptionUnderATinyCacheKeepsOutputsExact() async throws {
        let lm = try lm
        let prompts = Self.prompts.prefix(6).map { lm.tokenize($0) }
        let want = try single(lm, Array(prompts), maxTokens: 40)
        // 12 pages of 8 positions: six sequences of ~60 positions cannot all fit.
        let engine = try engine(lm) {
            $0.pageSize = 8
            $0.kvCacheBytes = 12 * 8 * lm.model.kvBytesPerPosition
            $0.maxRunning = 6
            $0.stepTokens = 64
        }
        let got = try await runAll(engine, prompts.map { EngineRequest(prompt: $0, maxTokens: 40, sampling: .greedy) })
        for (i, g) in got.enumerated() { #expect(g.tokens == want[i], "prompt \(i)") }
        let m = engine.metrics
        #expect(m.preemptions > 0)
        #expect(m.kvPagesUsed == 0)
        await engine.shutdown(graceful: true)
    }

    @Test func aSequenceLongerThanTheWholeCacheEndsWithLength() async throws {
        let lm = try lm
        // 4 pages of 8 positions: 32 positions in all, for a 12-token prompt asking for 100 more.
        let engine = try engine(lm) { $0.pageSize = 8; $0.kvCacheBytes = 4 * 8 * lm.model.kvBytesPerPosition }
        let prompt = lm.tokenize(Self.prompts[0])
        let got = try await Collected.run(try engine.submit(EngineRequest(prompt: prompt, maxTokens: 100, sampling: .greedy,
                                                                          ignoreEndOfGeneration: true)))
        #expect(got.completion?.finishReason == .length)
        #expect(prompt.count + got.tokens.count == 33)  // 32 positions computed, plus the last sampled token
        #expect(engine.metrics.kvPagesUsed == 0)
        await engine.shutdown(graceful: true)
    }

    @Test func sharedPrefixIsReusedAndGivesTheSameTokens() async throws {
        let lm = try lm
        let prefix = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 12)
        let a = lm.tokenize(prefix + "What does the fox do?"), b = lm.tokenize(prefix + "Which animal is lazy?")
        let want = try single(lm, [a, b], maxTokens: 12)
        let engine = try engine(lm)
        let first = try await Collected.run(try engine.submit(EngineRequest(prompt: a, maxTokens: 12, sampling: .greedy)))
        let second = try await Collected.run(try engine.submit(EngineRequest(prompt: b, maxTokens: 12, sampling: .greedy)))
        #expect(first.tokens == want[0])
        #expect(second.tokens == want[1])
        let shared = zip(a, b).prefix { $0 == $1 }.count
        #expect(first.completion?.cachedPromptTokens == 0)
        let cached = try #require(second.completion?.cachedPromptTokens)
        #expect(cached == shared / 16 * 16 && cached > 0)
        #expect(engine.metrics.kvPagesCached > 0 && engine.metrics.kvPagesUsed == 0)
        await engine.shutdown(graceful: true)
    }

    @Test func promptLogprobsEqualTheModelsLogSoftmax() async throws {
        let lm = try lm
        let prompt = lm.tokenize(Self.prompts[0])
        let n = lm.model.config.vocabularySize
        let logits = FloatBuffer(count: prompt.count * n)
        try lm.model.forward(prompt, cache: lm.model.makeCache(maxPositions: 256), selection: .all, logits: logits)
        let engine = try engine(lm) { $0.stepTokens = 16 }  // chunks of the prompt over several steps
        var request = EngineRequest(prompt: prompt, maxTokens: 3, sampling: .greedy)
        request.promptLogprobs = 2
        request.logprobs = 3
        let got = try await Collected.run(try engine.submit(request))
        let p = try #require(got.promptLogprobs)
        #expect(p.count == prompt.count && p[0] == nil)
        for i in 1..<prompt.count {
            let row = Array(UnsafeBufferPointer(start: logits.pointer + (i - 1) * n, count: n)).map(Double.init)
            let m = row.max()!
            let lse = m + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - m) })
            let entry = try #require(p[i])
            #expect(entry.id == prompt[i])
            #expect(abs(Double(entry.logprob) - (row[prompt[i]] - lse)) < 1e-3)
            let best = row.indices.max { row[$0] < row[$1] }!
            #expect(entry.top.count == 2 && entry.top[0].id == best)
        }
        // Greedy output: each generated token is the top alternative of its own distribution.
        #expect(got.logprobs.count == 3)
        for l in got.logprobs { #expect(l.top.first?.id == l.id && l.top.count == 3 && l.logprob <= 0) }
        await engine.shutdown(graceful: true)
    }

    @Test func echoWithoutGenerationReturnsOnlyPromptLogprobs() async throws {
        let lm = try lm
        let engine = try engine(lm)
        var request = EngineRequest(prompt: lm.tokenize("Hello there, general Kenobi"), maxTokens: 0, sampling: .greedy)
        request.promptLogprobs = 0
        let got = try await Collected.run(try engine.submit(request))
        #expect(got.tokens.isEmpty)
        #expect(got.promptLogprobs?.count == request.prompt.count)
        #expect(got.completion?.finishReason == .length)
        await engine.shutdown(graceful: true)
    }

    @Test func cancellingAStreamFreesItsPages() async throws {
        let lm = try lm
        let engine = try engine(lm)
        // The consumer reads three tokens and goes away, dropping the stream.
        func readThree() async throws {
            let stream = try engine.submit(EngineRequest(prompt: lm.tokenize(Self.prompts[0]), maxTokens: 500, sampling: .greedy))
            var seen = 0
            for try await event in stream {
                if case .token = event { seen += 1 }
                if seen == 3 { break }
            }
        }
        try await readThree()
        var m = engine.metrics
        for _ in 0..<200 where m.running > 0 || m.kvPagesUsed > 0 {
            try await Task.sleep(nanoseconds: 10_000_000)
            m = engine.metrics
        }
        #expect(m.running == 0 && m.kvPagesUsed == 0 && m.requestsCancelled == 1, "\(m)")
        await engine.shutdown(graceful: true)
    }

    @Test func seededSamplingIsReproducibleInABatch() async throws {
        let lm = try lm
        var sampling = SamplingParameters()
        sampling.temperature = 0.9; sampling.seed = 42
        let prompt = lm.tokenize(Self.prompts[3])
        let alone = try lm.generator.generate(GenerationRequest(prompt: prompt, maxTokens: 16, sampling: sampling)).tokens
        let engine = try engine(lm)
        var others = Self.prompts.prefix(4).map { EngineRequest(prompt: lm.tokenize($0), maxTokens: 16, sampling: .greedy) }
        others.append(EngineRequest(prompt: prompt, maxTokens: 16, sampling: sampling))
        let got = try await runAll(engine, others)
        #expect(got.last?.tokens == alone)
        await engine.shutdown(graceful: true)
    }

    @Test func refusesWhatItCannotServe() async throws {
        let lm = try lm
        let engine = try engine(lm) { $0.contextSize = 64; $0.maxRunning = 1; $0.maxWaiting = 1 }
        #expect(throws: EngineError.emptyPrompt) { try engine.submit(EngineRequest(prompt: [])) }
        #expect(throws: EngineError.promptTooLong(tokens: 64, limit: 64)) {
            try engine.submit(EngineRequest(prompt: Array(repeating: 1, count: 64)))
        }
        #expect(throws: EngineError.tokenOutOfRange(token: 1 << 30, vocabularySize: lm.model.config.vocabularySize)) {
            try engine.submit(EngineRequest(prompt: [1, 1 << 30]))
        }
        // One running, one waiting: the third is refused.
        let a = try engine.submit(EngineRequest(prompt: [1, 2, 3], maxTokens: 40, sampling: .greedy))
        let b = try engine.submit(EngineRequest(prompt: [1, 2, 3], maxTokens: 40, sampling: .greedy))
        #expect(throws: EngineError.queueFull(limit: 1)) { try engine.submit(EngineRequest(prompt: [1, 2, 3])) }
        _ = try await (Collected.run(a), Collected.run(b))
        await engine.shutdown(graceful: true)
        #expect(throws: EngineError.shuttingDown) { try engine.submit(EngineRequest(prompt: [1, 2, 3])) }
    }

    @Test func forcedShutdownEndsRunningRequests() async throws {
        let lm = try lm
        let engine = try engine(lm)
        let stream = try engine.submit(EngineRequest(prompt: lm.tokenize(Self.prompts[0]), maxTokens: 900, sampling: .greedy))
        let task = Task { try await Collected.run(stream) }
        try await Task.sleep(nanoseconds: 100_000_000)
        await engine.shutdown(graceful: false)
        let got = try await task.value
        #expect(got.completion?.finishReason == .cancelled)
        #expect(got.tokens.count < 900)
    }
}

/// Batched equals single-sequence greedy generation on the other architectures too (Qwen2 with
/// QKV biases, Gemma 3 with sliding-window layers and QK-norm).
@Suite(.serialized) struct EngineArchitectureTests {
    @Test(arguments: ["qwen2.5-0.5b", "gemma3-270m"])
    func batchedGreedyEqualsSingleSequence(model: String) async throws {
        guard TestEnvironment.hasModel(model) else { return }
        let lm = try LanguageModel(model, contextSize: 1024)
        // The last prompt is longer than Gemma 3's 512-position sliding window.
        let long = String(repeating: "Rivers carry water from the mountains to the sea, shaping valleys. ", count: 50)
        let prompts = (EngineTests.prompts.prefix(5) + [long]).map { lm.tokenize($0) }
        let want = try prompts.map {
            try lm.generator.generate(GenerationRequest(prompt: $0, maxTokens: 16, sampling: .greedy)).tokens
        }
        var c = EngineConfiguration()
        c.contextSize = 1024; c.pageSize = 8; c.stepTokens = 24
        let engine = try Engine(model: lm.model, tokenizer: lm.tokenizer, configuration: c)
        let streams = try prompts.map { try engine.submit(EngineRequest(prompt: $0, maxTokens: 16, sampling: .greedy)) }
        for (i, s) in streams.enumerated() {
            let got = try await Collected.run(s)
            #expect(got.tokens == want[i], "\(model) prompt \(i)")
        }
        #expect(engine.metrics.kvPagesUsed == 0)
        await engine.shutdown(graceful: true)
    }
}

/// A JSON-schema constraint in the engine: whatever the model would say, the output is a
/// document of the schema, also for requests batched with unconstrained ones.
@Suite(.serialized, .enabled(if: TestEnvironment.hasModel("smollm2-135m")))
struct EngineConstraintTests {
    @Test func constrainedOutputParsesAndFollowsTheSchema() async throws {
        let lm = try #require(EngineTests.lm)
        let schema = try JSONSchema(json: #"""
            {"type":"object","properties":{"name":{"type":"string","maxLength":20},"age":{"type":"integer"},
             "tags":{"type":"array","items":{"enum":["red","green","blue"]},"maxItems":3}},
             "required":["name","age","tags"]}
            """#)
        let trie = TokenTrie(tokenizer: lm.tokenizer)
        var c = EngineConfiguration()
        c.contextSize = 1024
        let engine = try Engine(model: lm.model, tokenizer: lm.tokenizer, configuration: c)
        var requests: [EngineRequest] = []
        for (i, p) in ["Describe a person as JSON:", "Once upon a time", "Tell me about cats.", "{"].enumerated() {
            var sampling = SamplingParameters()
            sampling.temperature = i == 0 ? 0 : 1.0
            sampling.seed = UInt64(i)
            requests.append(EngineRequest(prompt: lm.tokenize(p), maxTokens: 400, sampling: sampling,
                                          constraint: JSONSchemaConstraint(tokens: trie, schema: schema)))
        }
        requests.append(EngineRequest(prompt: lm.tokenize("Unconstrained neighbour:"), maxTokens: 30, sampling: .greedy))
        let streams = try requests.map { try engine.submit($0) }
        for (i, s) in streams.enumerated() {
            let got = try await Collected.run(s)
            guard i < 4 else { continue }
            #expect(got.completion?.finishReason == .stop, "request \(i): \(got.text)")
            let object = try JSONSerialization.jsonObject(with: Data(got.text.utf8)) as? [String: Any]
            let name = object?["name"] as? String, age = object?["age"] as? Int, tags = object?["tags"] as? [String]
            #expect(name != nil && name!.count <= 20 && age != nil && tags != nil, "request \(i): \(got.text)")
            #expect(tags.map { $0.count <= 3 && $0.allSatisfy { ["red", "green", "blue"].contains($0) } } == true)
        }
        await engine.shutdown(graceful: true)
    }
}
