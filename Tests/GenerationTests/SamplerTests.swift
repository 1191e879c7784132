import Testing
@testable import Generation

@Suite struct SamplerTests {
    func sample(_ logits: [Float], _ p: SamplingParameters, history: [Int] = []) -> Int {
        var s = Sampler(p)
        var l = logits
        return s.sample(&l, vocabularySize: l.count, history: history)
    }

    /// Frequencies of `draws` samples.
    func frequencies(_ logits: [Float], _ p: SamplingParameters, draws: Int = 40_000) -> [Double] {
        var s = Sampler(p)
        var counts = [Int](repeating: 0, count: logits.count)
        for _ in 0..<draws {
            var l = logits
            counts[s.sample(&l, vocabularySize: l.count, history: [])] += 1
        }
        return counts.map { Double($0) / Double(draws) }
    }

    func softmax(_ x: [Double]) -> [Double] {
        let m = x.max()!
        let e = x.map { Foundation_exp($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    @Test func greedyIsArgmaxWithLowestIndexOnTies() {
        #expect(sample([0.1, 3, -2, 3, 2.9], .greedy) == 1)
    }

    @Test func topKOneIsArgmaxAtAnyTemperature() {
        var p = SamplingParameters()
        p.topK = 1; p.temperature = 5; p.seed = 3
        for _ in 0..<50 { #expect(sample([0.1, 3, -2, 2.99, 2.9], p) == 1) }
    }

    @Test func sameSeedSameSequence() {
        var p = SamplingParameters(); p.seed = 1234; p.temperature = 1.5; p.topK = 0; p.topP = 1; p.minP = 0
        let logits: [Float] = (0..<100).map { Float($0 % 7) * 0.3 }
        var a = Sampler(p), b = Sampler(p)
        var seqA = [Int](), seqB = [Int]()
        for _ in 0..<200 {
            var l1 = logits, l2 = logits
            seqA.append(a.sample(&l1, vocabularySize: 100, history: []))
            seqB.append(b.sample(&l2, vocabularySize: 100, history: []))
        }
        #expect(seqA == seqB)
        var c = Sampler({ var q = p; q.seed = 99; return q }())
        let seqC = (0..<200).map { _ in var l = logits; return c.sample(&l, vocabularySize: 100, history: []) }
        #expect(seqC != seqA)
    }

    /// Pure temperature sampling follows softmax(logits / T).
    @Test func temperatureSamplingMatchesSoftmax() {
        var p = SamplingParameters(); p.seed = 7; p.temperature = 0.7; p.topK = 0; p.topP = 1; p.minP = 0
        let logits: [Float] = [1, 2, 0.5, 2.5]
        let want = softmax(logits.map { Double($0) / 0.7 })
        let got = frequencies(logits, p)
        for i in 0..<4 { #expect(abs(got[i] - want[i]) < 0.01, "token \(i): \(got[i]) vs \(want[i])") }
    }

    /// Top-p keeps the smallest prefix reaching p (on the untempered distribution), then renormalises.
    @Test func topPTruncatesThenRenormalises() {
        var p = SamplingParameters(); p.seed = 11; p.temperature = 1; p.topK = 0; p.topP = 0.7; p.minP = 0
        let logits: [Float] = [3, 2, 1, 0]   // probabilities ≈ .64 .24 .09 .03 → keep the first two
        let probs = softmax(logits.map(Double.init))
        let got = frequencies(logits, p)
        let kept = probs[0] + probs[1]
        #expect(abs(got[0] - probs[0] / kept) < 0.01)
        #expect(abs(got[1] - probs[1] / kept) < 0.01)
        #expect(got[2] == 0 && got[3] == 0)
    }

    /// Min-p drops tokens below minP × the top probability.
    @Test func minPDropsUnlikelyTokens() {
        var p = SamplingParameters(); p.seed = 5; p.temperature = 1; p.topK = 0; p.topP = 1; p.minP = 0.3
        let logits: [Float] = [2, 1.5, 0, -1]   // relative to top: 1, .61, .14, .05
        let got = frequencies(logits, p, draws: 20_000)
        #expect(got[2] == 0 && got[3] == 0)
        #expect(got[0] > 0.55 && got[1] > 0.3)
    }

    /// llama.cpp's penalties: positive logits divided, negative multiplied, then count·frequency + presence.
    @Test func penaltiesFollowLlamaCpp() {
        var p = SamplingParameters.greedy
        p.repetitionPenalty = 2; p.frequencyPenalty = 0.5; p.presencePenalty = 0.25; p.penaltyWindow = 3
        let s = Sampler(p)
        var logits: [Float] = [4, -2, 1, 3]
        // Window of 3 sees [1, 0, 0]: token 0 twice, token 1 once; token 2 (earlier) is outside.
        s.applyPenalties(&logits, 4, [2, 1, 0, 0])
        let want0: Float = 4 / 2 - 2 * 0.5 - 0.25
        #expect(logits[0] == want0)
        let want1: Float = -2 * 2 - 1 * 0.5 - 0.25
        #expect(logits[1] == want1)
        #expect(logits[2] == 1)
        #expect(logits[3] == 3)
    }

    @Test func repetitionPenaltyChangesTheGreedyChoice() {
        var p = SamplingParameters.greedy
        p.repetitionPenalty = 1.5
        #expect(sample([3.0, 2.5], .greedy, history: [0]) == 0)
        #expect(sample([3.0, 2.5], p, history: [0]) == 1)
    }

    @Test func heapKeepsTheKLargest() {
        var rng = Xoshiro256(seed: 1)
        let values = (0..<1000).map { _ in Float(rng.nextUnit()) }
        var heap = MinHeap(capacity: 10)
        for (i, v) in values.enumerated() { heap.offer(id: i, logit: v) }
        #expect(Set(heap.items.map(\.id)) == Set(values.enumerated().sorted { $0.element > $1.element }.prefix(10).map(\.offset)))
    }
}

#if canImport(Glibc)
import Glibc
func Foundation_exp(_ x: Double) -> Double { Glibc.exp(x) }
#endif
