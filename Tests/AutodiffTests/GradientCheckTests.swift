import Autodiff
import Compute
import Foundation
import Testing
import TestSupport

/// Every backward kernel against finite differences of its forward.
@Suite struct GradientCheckTests {
    let check = GradientCheck()

    @Test func linearWithBias() {
        var rng = SplitMix64(seed: 1)
        let x = rng.tensor([5, 7]), w = rng.tensor([9, 7], scale: 0.5), b = rng.tensor([9])
        let error = check.run([x, w, b]) { $0.linear(x, weight: w, bias: b) }
        #expect(error < check.tolerance, "relative error \(error)")
    }

    @Test func embeddingWithRepeatedIds() {
        var rng = SplitMix64(seed: 2)
        let table = rng.tensor([6, 5])
        let error = check.run([table]) { $0.embedding([3, 1, 3, 0, 5, 3], table: table) }
        #expect(error < check.tolerance, "relative error \(error)")
    }

    @Test func addUsesBothInputs() {
        var rng = SplitMix64(seed: 3)
        let a = rng.tensor([4, 6]), b = rng.tensor([4, 6])
        let error = check.run([a, b]) { t in t.add(t.add(a, b), a) }
        #expect(error < check.tolerance, "relative error \(error)")
    }

    @Test func layerNorm() {
        var rng = SplitMix64(seed: 4)
        let x = rng.tensor([6, 40], scale: 2), w = rng.tensor([40]), b = rng.tensor([40])
        let error = check.run([x, w, b]) { $0.layerNorm(x, weight: w, bias: b) }
        #expect(error < check.tolerance, "relative error \(error)")
    }

    @Test func rmsNorm() {
        var rng = SplitMix64(seed: 5)
        let x = rng.tensor([6, 40], scale: 2), w = rng.tensor([40])
        let error = check.run([x, w]) { $0.rmsNorm(x, weight: w, eps: 1e-6) }
        #expect(error < check.tolerance, "relative error \(error)")
    }

    @Test func gelu() {
        var rng = SplitMix64(seed: 6)
        let x = rng.tensor([3, 50], scale: 4)  // covers both tails and the SIMD body + scalar tail
        let error = check.run([x]) { $0.gelu(x) }
        #expect(error < check.tolerance, "relative error \(error)")
    }

    @Test func swiGLU() {
        var rng = SplitMix64(seed: 7)
        let g = rng.tensor([3, 21], scale: 4), u = rng.tensor([3, 21], scale: 2)
        let error = check.run([g, u]) { $0.swiGLU(gate: g, up: u) }
        #expect(error < check.tolerance, "relative error \(error)")
    }

    @Test(arguments: [RoPE.Mode.normal, .neox])
    func rope(mode: RoPE.Mode) {
        var rng = SplitMix64(seed: 8)
        let x = rng.tensor([4, 2 * 12])
        let rope = RoPE(mode: mode, dimensions: 8, base: 10_000)  // partial rotation: 8 of 12 dims
        let error = check.run([x]) { $0.rope(x, positions: [0, 1, 5, 17], heads: 2, headDim: 12, rope: rope) }
        #expect(error < check.tolerance, "relative error \(error)")
    }

    @Test func causalAttentionGroupedFused() {
        // batch 2, T 5, 4 query heads sharing 2 KV heads, head dim 3, in one fused QKV tensor.
        var rng = SplitMix64(seed: 9)
        let heads = 4, kv = 2, hd = 3
        let qkv = rng.tensor([2 * 5, (heads + 2 * kv) * hd], scale: 1.5)
        let error = check.run([qkv]) { t in
            t.causalAttention(query: HeadView(qkv), key: HeadView(qkv, offset: heads * hd),
                              value: HeadView(qkv, offset: (heads + kv) * hd), batch: 2,
                              heads: heads, kvHeads: kv, headDim: hd, scale: 0.7)
        }
        #expect(error < check.tolerance, "relative error \(error)")
    }

    @Test func causalAttentionSeparateTensors() {
        var rng = SplitMix64(seed: 10)
        let q = rng.tensor([3 * 4, 2 * 4]), k = rng.tensor([3 * 4, 2 * 4]), v = rng.tensor([3 * 4, 2 * 4])
        let error = check.run([q, k, v]) { t in
            t.causalAttention(query: HeadView(q), key: HeadView(k), value: HeadView(v), batch: 3,
                              heads: 2, kvHeads: 2, headDim: 4, scale: 0.5)
        }
        #expect(error < check.tolerance, "relative error \(error)")
    }

    @Test func crossEntropyIgnoresMaskedRows() {
        var rng = SplitMix64(seed: 11)
        let logits = rng.tensor([6, 19], scale: 3)
        let targets: [Int32] = [4, -100, 18, 0, -100, 7]
        let error = check.run([logits]) { $0.crossEntropy(logits, targets: targets) }
        #expect(error < check.tolerance, "relative error \(error)")
        // Masked rows get no gradient at all.
        let tape = Tape(pool: ThreadPool(threadCount: 1))
        logits.zeroGradient()
        tape.backward(from: tape.crossEntropy(logits, targets: targets))
        #expect(logits.gradients[19..<38].allSatisfy { $0 == 0 })
    }

    @Test func crossEntropyValue() {
        // log Σ e^l − l[target], averaged over counted rows: a case small enough to do by hand.
        let logits = Tensor(shape: [2, 3], values: [0, 0, 0, 1, 2, 3])
        let tape = Tape(pool: ThreadPool(threadCount: 1))
        let loss = tape.crossEntropy(logits, targets: [1, 0]).values[0]
        let expected = Float((log(3.0) + (log(exp(1.0) + exp(2.0) + exp(3.0)) - 1)) / 2)
        #expect(abs(loss - expected) < 1e-5)
    }

    @Test func scaledAdd() {
        var rng = SplitMix64(seed: 12)
        let a = rng.tensor([3, 20]), b = rng.tensor([3, 20])
        let error = check.run([a, b]) { $0.add(a, b, scale: 0.37) }
        #expect(error < check.tolerance, "relative error \(error)")
    }

    @Test func dropoutKeepsItsMaskAndScale() {
        var rng = SplitMix64(seed: 13)
        let x = rng.tensor([4, 50])
        // The finite-difference forwards do not record (dropout is then the identity), so check the
        // recorded backward against its own mask: dx = dy · mask, mask ∈ {0, 1/(1−p)}.
        let tape = Tape(pool: ThreadPool(threadCount: 2))
        let y = tape.dropout(x, probability: 0.25, seed: 99)
        let again = Tape(pool: ThreadPool(threadCount: 1)).dropout(x, probability: 0.25, seed: 99)
        #expect(y.values == again.values, "the mask is a function of the seed only")
        tape.backward(from: y, outputGradient: [Float](repeating: 1, count: x.count))
        var dropped = 0
        for i in 0..<x.count {
            let m = x.gradients[i]
            #expect(m == 0 || abs(m - 1 / 0.75) < 1e-6)
            if m == 0 { dropped += 1; #expect(y.values[i] == 0) } else { #expect(abs(y.values[i] - x.values[i] * m) < 1e-6) }
        }
        #expect(dropped > 20 && dropped < 80, "about a quarter of 200 dropped, got \(dropped)")
    }

    @Test func sequenceLogProbabilities() {
        var rng = SplitMix64(seed: 14)
        let logits = rng.tensor([2 * 4, 11], scale: 2)
        let targets: [Int32] = [3, -100, 5, 10, 0, 1, -100, 2]
        let error = check.run([logits]) { $0.sequenceLogProbabilities(logits, targets: targets, batch: 2) }
        #expect(error < check.tolerance, "relative error \(error)")
    }

    @Test func dpoLoss() {
        var rng = SplitMix64(seed: 15)
        let policy = rng.tensor([6], scale: 3)
        let reference: [Float] = [-1, -2, 0.5, 0.2, -3, -1]
        let error = check.run([policy]) { $0.dpoLoss(policy: policy, reference: reference, beta: 0.5) }
        #expect(error < check.tolerance, "relative error \(error)")
    }

    @Test func causalAttentionAcrossQueryBlocks() {
        // T = 150 spans three 64-row query blocks (the last one partial): values against a plain
        // softmax(QKᵀ)V, gradients against finite differences.
        var rng = SplitMix64(seed: 16)
        let t = 150, hd = 4
        let q = rng.tensor([t, 2 * hd]), k = rng.tensor([t, hd]), v = rng.tensor([t, hd])
        let tape = Tape(pool: ThreadPool(threadCount: 2))
        let out = tape.causalAttention(query: HeadView(q), key: HeadView(k), value: HeadView(v), batch: 1,
                                       heads: 2, kvHeads: 1, headDim: hd, scale: 0.6).values
        var worst: Float = 0
        for h in 0..<2 {
            for i in 0..<t {
                var scores = (0...i).map { j in (0..<hd).reduce(Float(0)) { $0 + q.values[i * 2 * hd + h * hd + $1] * k.values[j * hd + $1] } * 0.6 }
                let m = scores.max()!
                scores = scores.map { Foundation.exp($0 - m) }
                let total = scores.reduce(0, +)
                for d in 0..<hd {
                    let expected = (0...i).reduce(Float(0)) { $0 + scores[$1] / total * v.values[$1 * hd + d] }
                    worst = max(worst, abs(out[i * 2 * hd + h * hd + d] - expected))
                }
            }
        }
        #expect(worst < 1e-5, "max |Δ| \(worst) against the plain attention")
        let error = GradientCheck(samples: 40).run([q, k, v]) { t2 in
            t2.causalAttention(query: HeadView(q), key: HeadView(k), value: HeadView(v), batch: 1,
                               heads: 2, kvHeads: 1, headDim: hd, scale: 0.6)
        }
        #expect(error < check.tolerance, "relative error \(error)")
    }
}
