import Testing
import Compute
import Architectures
import Generation
import ModelFiles
import TestSupport
import Tokenization

/// Greedy decoding parity with llama.cpp on the four real models (fixtures made by
/// Tests/Fixtures/inference/make_refs.py with llama.cpp 0c1e57098).
///
/// Why the tolerances are what they are. Both engines quantize every activation row to 8-bit
/// blocks before each integer dot product, so a last-bit difference anywhere (summation order,
/// F16 KV cache in llama.cpp) can flip a rounding and move logits by tenths. llama.cpp itself
/// shows this: evaluating the same prompt token by token instead of in one batch changes its
/// first-position logits by a mean |Δ| of 0.05–0.29 and its top-5 logits by up to 0.50, and its
/// greedy text then diverges from its own batch reference after top-2 margins of 0.057 (Gemma)
/// and 0.078 (Qwen 1.5B) — above the 0.05 the issue proposed. `make_noise_refs.py` measures
/// that floor per model (`<key>.noise.json`); the bounds below are multiples of it:
/// - prompt tokens: identical;
/// - first-position logits: mean |Δ| over the vocabulary ≤ 1.5 × llama.cpp's own mean noise
///   (averaged over the three prompts) and ≤ 2 × it per prompt; top-5 logits ≤ 2 × its top-5
///   noise; cosine similarity ≥ 0.999;
/// - greedy tokens: identical up to the first step where llama.cpp's top-2 margin is below
///   τ = max(0.05, its top-5 noise); a divergence must happen at such a step, and there Tern must
///   pick one of llama.cpp's top-5 candidates within τ of its best (the test proves both);
/// - teacher-forced on llama.cpp's own 32 tokens: the same top-1 at every step whose margin ≥ τ.
@Suite(.serialized) struct GreedyParityTests {
    @Test(.enabled(if: TestEnvironment.hasModel("smollm2-135m"))) func smolLM2() throws { try check("smollm2-135m") }
    @Test(.enabled(if: TestEnvironment.hasModel("gemma3-270m"))) func gemma3() throws { try check("gemma3-270m") }
    @Test(.enabled(if: TestEnvironment.hasModel("qwen2.5-0.5b"))) func qwen05() throws { try check("qwen2.5-0.5b") }
    @Test(.enabled(if: TestEnvironment.hasModel("qwen2.5-1.5b"))) func qwen15() throws { try check("qwen2.5-1.5b") }

    func check(_ shortName: String) throws {
        let lm = try LanguageModel(shortName, contextSize: 512)
        let fixture = try InferenceFixture.load(shortName)
        let noise = try ReferenceNoise.load(shortName)
        let tau = max(0.05, noise.topLogitNoise)
        #expect(lm.model.config.vocabularySize == fixture.vocab.n_vocab)
        var meanDiffs = [Float]()
        for prompt in fixture.prompts {
            let tag = "\(shortName)/\(prompt.id)"
            // 1. Identical prompt tokenization.
            let ids: [Int]
            if prompt.kind == "chat" {
                let messages = prompt.messages!.map { ChatMessage(role: $0.role, content: $0.content) }
                let rendered = try lm.chatPrompt(messages)
                #expect(rendered.text == prompt.prompt_text, "\(tag): chat template")
                ids = rendered.tokens
            } else {
                ids = lm.tokenize(prompt.prompt_text)
            }
            #expect(ids == prompt.prompt_token_ids, "\(tag): prompt tokens")

            // 2. First-position logits against the full llama.cpp vector.
            let reference = try fixture.firstLogits(prompt.id)
            let cache = lm.model.makeCache(maxPositions: 512)
            let logits = FloatBuffer(count: lm.model.config.vocabularySize)
            try lm.model.forward(prompt.prompt_token_ids, cache: cache, logits: logits)
            let ours = logits.array
            let diffs = zip(ours, reference).map { abs($0 - $1) }
            let meanDiff = diffs.reduce(0, +) / Float(diffs.count)
            let topDiff = prompt.first_position_top5.map { abs(ours[$0.id] - $0.logit) }.max()!
            let cosine = cosineSimilarity(ours, reference)
            meanDiffs.append(meanDiff)
            Self.record("\(tag): first logits mean|Δ| \(meanDiff) (llama.cpp self-noise \(noise.meanLogitNoise)), top-5 |Δ| \(topDiff) (noise \(noise.topLogitNoise)), cosine \(cosine)")
            #expect(meanDiff <= 2 * noise.meanLogitNoise, "\(tag): first-logit mean |Δ| \(meanDiff)")
            #expect(topDiff <= 2 * noise.topLogitNoise, "\(tag): top-5 logit |Δ| \(topDiff)")
            #expect(cosine >= 0.999, "\(tag): cosine \(cosine)")

            // 3. Free-running greedy tokens.
            var request = GenerationRequest(prompt: prompt.prompt_token_ids, maxTokens: 32, sampling: .greedy)
            request.ignoreEndOfGeneration = true
            let generated = try lm.generator.generate(request).tokens
            #expect(generated.count == 32)
            let expected = prompt.generated_token_ids
            if let i = (0..<min(generated.count, expected.count)).first(where: { generated[$0] != expected[$0] }) {
                let top = prompt.per_step_top5[i].top5
                let margin = top[0].logit - top[1].logit
                Self.record("\(tag): diverged at step \(i) where llama.cpp's top-2 margin is \(margin) (τ \(tau))")
                #expect(margin < tau, "\(tag): diverged at step \(i) (ours \(generated[i]), llama.cpp \(expected[i])) but llama.cpp's margin \(margin) ≥ τ \(tau)")
                let pick = top.first { $0.id == generated[i] }
                #expect(pick != nil && top[0].logit - pick!.logit < tau,
                        "\(tag): at the near-tie step \(i) Tern's token \(generated[i]) should be one of llama.cpp's candidates within τ of its top")
            }

            // 4. Teacher-forced on llama.cpp's own tokens: the same choice wherever it is clear.
            cache.truncate(to: 0)
            try lm.model.forward(prompt.prompt_token_ids, cache: cache, logits: logits)
            for step in prompt.per_step_top5 {
                let mine = Kernels.argmax(logits.pointer, logits.count).index
                let margin = step.top5[0].logit - step.top5[1].logit
                #expect(mine == step.chosen || margin < tau,
                        "\(tag) teacher-forced step \(step.step): ours \(mine), llama.cpp \(step.chosen), margin \(margin) ≥ τ \(tau)")
                if step.step + 1 < prompt.per_step_top5.count {
                    try lm.model.forward([step.chosen], cache: cache, logits: logits)
                }
            }
        }
        let average = meanDiffs.reduce(0, +) / Float(meanDiffs.count)
        #expect(average <= 1.5 * noise.meanLogitNoise, "\(shortName): average first-logit mean |Δ| \(average) vs llama.cpp self-noise \(noise.meanLogitNoise)")
    }

    func cosineSimilarity(_ a: [Float], _ b: [Float]) -> Float {
        var ab = 0.0, aa = 0.0, bb = 0.0
        for i in a.indices { ab += Double(a[i] * b[i]); aa += Double(a[i] * a[i]); bb += Double(b[i] * b[i]) }
        return Float(ab / (aa.squareRoot() * bb.squareRoot()))
    }

    static func record(_ line: String) { print("[parity] " + line) }
}
