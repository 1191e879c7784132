import Testing
import Generation
import TestSupport
import Tokenization

/// The generator on a real model: streaming, stops, sessions, seeds.
@Suite(.serialized, .enabled(if: TestEnvironment.hasModel("smollm2-135m")))
struct GeneratorTests {
    static let lm: LanguageModel? = try? LanguageModel("smollm2-135m", contextSize: 1024)
    var lm: LanguageModel { get throws { try #require(Self.lm) } }
    let story = "Once upon a time, in a small village at the edge of a great forest, there lived"

    @Test func streamEqualsSynchronousGeneration() async throws {
        let lm = try lm
        let request = GenerationRequest(prompt: lm.tokenize(story), maxTokens: 24, sampling: .greedy)
        let sync = try lm.generator.generate(request)
        var ids = [Int](), text = ""
        var final: GenerationResult?
        for try await event in lm.generator.stream(request) {
            switch event {
            case .token(let t): ids.append(t.id); text += t.text
            case .finished(let r): final = r
            }
        }
        #expect(ids == sync.tokens)
        #expect(text == sync.text)
        #expect(final?.tokens == sync.tokens)
    }

    @Test func stopStringEndsGenerationBeforeIt() throws {
        let lm = try lm
        let full = try lm.generator.generate(GenerationRequest(prompt: lm.tokenize(story), maxTokens: 32, sampling: .greedy))
        #expect(full.text.contains("magical"))
        var request = GenerationRequest(prompt: lm.tokenize(story), maxTokens: 32, sampling: .greedy)
        request.stop = ["magical"]
        var streamed = ""
        let stopped = try lm.generator.generate(request) { streamed += $0.text; return true }
        #expect(stopped.finishReason == .stop)
        #expect(stopped.text == String(full.text[..<full.text.range(of: "magical")!.lowerBound]))
        #expect(streamed == stopped.text)
    }

    @Test func endOfGenerationTokenStops() throws {
        let lm = try lm
        let prompt = try lm.chatPrompt([ChatMessage(role: "user", content: "Say hello.")]).tokens
        let r = try lm.generator.generate(GenerationRequest(prompt: prompt, maxTokens: 200, sampling: .greedy))
        #expect(r.finishReason == .stop)
        #expect(lm.tokenizer.endOfGenerationTokens.contains(r.tokens.last!))
        #expect(!r.text.contains("<|im_end|>"))
    }

    @Test func sessionReuseGivesTheSameTokensAndSkipsThePrefix() throws {
        let lm = try lm
        let first = lm.tokenize(story)
        let session = lm.generator.makeSession()
        let a = try lm.generator.generate(GenerationRequest(prompt: first, maxTokens: 8, sampling: .greedy), session: session)
        // The next turn extends the previous prompt and answer: only the new tokens are computed.
        let second = first + a.tokens + lm.tokenize(" Then", addSpecial: false)
        let reused = try lm.generator.generate(GenerationRequest(prompt: second, maxTokens: 8, sampling: .greedy), session: session)
        let fresh = try lm.generator.generate(GenerationRequest(prompt: second, maxTokens: 8, sampling: .greedy))
        #expect(reused.tokens == fresh.tokens)
        #expect(reused.timings.promptTokensEvaluated < second.count / 2)
        #expect(fresh.timings.promptTokensEvaluated == second.count)
    }

    @Test func seededSamplingIsReproducible() throws {
        let lm = try lm
        var p = SamplingParameters()
        p.temperature = 1.2; p.seed = 42
        let request = GenerationRequest(prompt: lm.tokenize(story), maxTokens: 24, sampling: p)
        let a = try lm.generator.generate(request), b = try lm.generator.generate(request)
        #expect(a.tokens == b.tokens)
        p.seed = 43
        let c = try lm.generator.generate(GenerationRequest(prompt: lm.tokenize(story), maxTokens: 24, sampling: p))
        #expect(c.tokens != a.tokens)
    }

    @Test func cancellingTheConsumerStopsGeneration() throws {
        let lm = try lm
        var seen = 0
        let r = try lm.generator.generate(GenerationRequest(prompt: lm.tokenize(story), maxTokens: 100, sampling: .greedy)) { _ in
            seen += 1
            return seen < 5
        }
        #expect(r.finishReason == .cancelled && r.tokens.count == 5)
    }

    @Test func promptLongerThanContextIsAnError() throws {
        let lm = try LanguageModel("smollm2-135m", contextSize: 64)
        let prompt = lm.tokenize(String(repeating: "word ", count: 100))
        #expect(throws: GenerationError.promptTooLong(tokens: prompt.count, context: 64)) {
            try lm.generator.generate(GenerationRequest(prompt: prompt, maxTokens: 4))
        }
        #expect(throws: GenerationError.emptyPrompt) { try lm.generator.generate(GenerationRequest(prompt: [])) }
    }

    @Test func contextFullEndsWithLength() throws {
        let lm = try LanguageModel("smollm2-135m", contextSize: 40)
        let r = try lm.generator.generate(GenerationRequest(prompt: lm.tokenize(story), maxTokens: 100, sampling: .greedy,
                                                            ignoreEndOfGeneration: true))
        #expect(r.finishReason == .length)
        #expect(r.promptTokens.count + r.tokens.count <= 41)
    }
}
