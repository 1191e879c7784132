import Testing
@testable import Compute
import TestSupport

func maxRelativeError(_ a: [Float], _ b: [Float], floor: Float = 1e-6) -> Float {
    zip(a, b).map { abs($0 - $1) / max(abs($1), floor) }.max() ?? 0
}

func maxAbsoluteError(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { abs($0 - $1) }.max() ?? 0 }

@Suite struct KernelTests {
    static let sizes = [1, 7, 15, 16, 17, 31, 32, 33, 64, 100, 576, 896, 1000]

    @Test(arguments: sizes) func dotMatchesReference(n: Int) {
        var r = SplitMix64(seed: UInt64(n))
        let a = r.floats(n), b = r.floats(n)
        let fast = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { Kernels.dot(pa.baseAddress!, $0.baseAddress!, n) } }
        #expect(abs(fast - ReferenceKernels.dot(a, b)) <= 1e-5 * Float(n).squareRoot())
    }

    @Test(arguments: sizes) func rmsNormMatchesReference(n: Int) {
        var r = SplitMix64(seed: 100 + UInt64(n))
        let x = r.floats(n, -3...3), w = r.floats(n)
        var out = [Float](repeating: 0, count: n)
        Kernels.rmsNorm(x, weight: w, eps: 1e-6, out: &out, n)
        #expect(maxAbsoluteError(out, ReferenceKernels.rmsNorm(x, weight: w, eps: 1e-6)) < 1e-5)
        // In place, no weight.
        var y = x
        y.withUnsafeMutableBufferPointer { Kernels.rmsNorm($0.baseAddress!, weight: nil, eps: 1e-5, out: $0.baseAddress!, n) }
        #expect(maxAbsoluteError(y, ReferenceKernels.rmsNorm(x, weight: nil, eps: 1e-5)) < 1e-5)
    }

    @Test func layerNormMatchesReference() {
        var r = SplitMix64(seed: 5)
        let x = r.floats(384, -2...4), w = r.floats(384), b = r.floats(384)
        var out = [Float](repeating: 0, count: 384)
        Kernels.layerNorm(x, weight: w, bias: b, eps: 1e-12, out: &out, 384)
        #expect(maxAbsoluteError(out, ReferenceKernels.layerNorm(x, weight: w, bias: b, eps: 1e-12)) < 1e-5)
    }

    @Test(arguments: sizes) func softmaxMatchesReference(n: Int) {
        var r = SplitMix64(seed: 200 + UInt64(n))
        let x = r.floats(n, -30...30)
        var y = x
        y.withUnsafeMutableBufferPointer { _ = Kernels.softmax($0.baseAddress!, n) }
        #expect(maxAbsoluteError(y, ReferenceKernels.softmax(x)) < 1e-6)
        #expect(abs(y.reduce(0, +) - 1) < 1e-5)
    }

    @Test func expIsAccurateOverItsRange() {
        var x = [Float]()
        var v: Float = -87
        while v < 88 { x.append(v); v += 0.173 }
        x += [0, 1, -1, 1e-7, -1e-7]
        for start in stride(from: 0, to: x.count - 16, by: 16) {
            let lanes = SIMD16<Float>(x[start..<start + 16])
            let e = Kernels.exp(lanes)
            for i in 0..<16 {
                let want = Foundation.exp(Double(lanes[i]))
                #expect(abs(Double(e[i]) - want) / want < 4e-7, "exp(\(lanes[i]))")
            }
        }
    }

    @Test func expSaturatesInsteadOfProducingGarbage() {
        let e = Kernels.exp(SIMD16<Float>(repeating: -1000))
        #expect(e.max() < 1e-37 && e.min() >= 0)
        let big = Kernels.exp(SIMD16<Float>(repeating: 1000))
        #expect(big.min() > 1e38 && big.max().isFinite)
    }

    @Test func activationsMatchReference() {
        var r = SplitMix64(seed: 9)
        let n = 1000
        let g = r.floats(n, -8...8), u = r.floats(n)
        var s = g
        Kernels.swiGLU(gate: &s, up: u, n)
        #expect(maxAbsoluteError(s, (0..<n).map { ReferenceKernels.silu(g[$0]) * u[$0] }) < 2e-6)
        var ge = g
        Kernels.gegLU(gate: &ge, up: u, n)
        // llama.cpp's f16 GELU: within f16 rounding (2⁻¹¹ relative, twice) of the exact one.
        let exact = (0..<n).map { ReferenceKernels.gelu(g[$0]) * u[$0] }
        #expect(zip(ge, exact).allSatisfy { abs($0 - $1) <= 2e-3 * max(1, abs($1)) })
        let f16Reference = (0..<n).map { i -> Float in
            let x = g[i]
            let v: Float = x <= -10 ? 0 : x >= 10 ? x : Float(Float16(ReferenceKernels.gelu(Float(Float16(x)))))
            return v * u[i]
        }
        #expect(ge == f16Reference)
        var gl = g
        Kernels.gelu(&gl, n)
        #expect(maxAbsoluteError(gl, g.map(ReferenceKernels.gelu)) < 2e-6)
    }

    @Test(arguments: [RoPE.Mode.normal, .neox], [0, 1, 17, 511, 4000])
    func ropeMatchesDefinition(mode: RoPE.Mode, position: Int) {
        var r = SplitMix64(seed: UInt64(position))
        let headDim = 64, heads = 3
        let rope = RoPE(mode: mode, dimensions: headDim, base: 10_000)
        let x = r.floats(heads * headDim)
        var y = x
        var table = [Float](repeating: 0, count: headDim)
        rope.table(position: position, into: &table)
        y.withUnsafeMutableBufferPointer { rope.apply($0.baseAddress!, heads: heads, headDim: headDim, table: table) }
        for h in 0..<heads {
            let want = ReferenceKernels.rope(Array(x[h * headDim..<(h + 1) * headDim]), position: position,
                                             base: 10_000, dimensions: headDim, neox: mode == .neox)
            // ggml's f32 running product of angles drifts ~1e-6 relative; at position 4000 that is ~4e-3 rad.
            #expect(maxAbsoluteError(Array(y[h * headDim..<(h + 1) * headDim]), want) < 1e-5 * Float(position + 10))
        }
    }

    @Test(arguments: [(4, 4, nil as Int?), (9, 3, nil), (4, 1, 3), (2, 2, 1)])
    func attentionMatchesReference(queryHeads: Int, kvHeads: Int, window: Int?) {
        var r = SplitMix64(seed: UInt64(queryHeads * 10 + kvHeads))
        let headDim = 32, start = 5, tokens = 6, positions = start + tokens
        let q = r.floats(tokens * queryHeads * headDim, -2...2)
        let k = r.floats(positions * kvHeads * headDim, -2...2)
        let v = r.floats(positions * kvHeads * headDim, -2...2)
        var out = [Float](repeating: .nan, count: tokens * queryHeads * headDim)
        let pool = ThreadPool(threadCount: 2)
        Kernels.causalAttention(q: q, keys: k, values: v, tokens: tokens, start: start, queryHeads: queryHeads,
                                kvHeads: kvHeads, headDim: headDim, scale: 0.2, window: window, out: &out, pool: pool)
        let group = queryHeads / kvHeads
        for t in 0..<tokens {
            for h in 0..<queryHeads {
                let g = h / group
                let keys = (0..<positions).map { p in Array(k[(p * kvHeads + g) * headDim ..< (p * kvHeads + g + 1) * headDim]) }
                let values = (0..<positions).map { p in Array(v[(p * kvHeads + g) * headDim ..< (p * kvHeads + g + 1) * headDim]) }
                let qv = Array(q[(t * queryHeads + h) * headDim ..< (t * queryHeads + h + 1) * headDim])
                let want = ReferenceKernels.attention(q: qv, keys: keys, values: values, position: start + t, scale: 0.2, window: window)
                let got = Array(out[(t * queryHeads + h) * headDim ..< (t * queryHeads + h + 1) * headDim])
                #expect(maxAbsoluteError(got, want) < 1e-5)
            }
        }
    }

    @Test func argmaxTakesFirstOfTies() {
        var x = [Float](repeating: 0, count: 100)
        x[37] = 5; x[80] = 5
        #expect(Kernels.argmax(x, 100).index == 37)
        x[99] = 6
        #expect(Kernels.argmax(x, 100).index == 99)
    }
}

/// Paged attention equals contiguous attention for every sequence of a batch, whatever the
/// page size and the (shuffled) page order.
@Suite struct PagedAttentionTests {
    @Test(arguments: [(4, 2, 1), (4, 2, 3), (8, 1, 5), (6, 3, 16)])
    func pagedEqualsContiguous(queryHeads: Int, kvHeads: Int, pageSize: Int) {
        var r = SplitMix64(seed: UInt64(queryHeads * 100 + pageSize))
        let headDim = 16, width = kvHeads * headDim
        // (start, tokens) of three sequences: a decode, a prefill chunk, a fresh prompt.
        let shapes = [(11, 1), (7, 5), (0, 9)]
        let pageCount = shapes.reduce(0) { $0 + ($1.0 + $1.1 + pageSize - 1) / pageSize } + 3
        var order = Array(0..<pageCount)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(r.next() % UInt64(i + 1))) }
        var keyPages = [Float](repeating: .nan, count: pageCount * pageSize * width), valuePages = keyPages
        var tables: [Int32] = [], sequences: [AttentionSequence] = [], contiguous: [([Float], [Float])] = []
        var rows = 0, used = 0
        for (start, tokens) in shapes {
            let positions = start + tokens
            let k = r.floats(positions * width, -2...2), v = r.floats(positions * width, -2...2)
            contiguous.append((k, v))
            let pages = (positions + pageSize - 1) / pageSize
            let mine = order[used..<used + pages].map { Int32($0) }
            used += pages
            for p in 0..<positions {
                let row = Int(mine[p / pageSize]) * pageSize + p % pageSize
                for j in 0..<width { keyPages[row * width + j] = k[p * width + j]; valuePages[row * width + j] = v[p * width + j] }
            }
            sequences.append(AttentionSequence(firstRow: rows, tokens: tokens, start: start, pageTable: tables.count))
            tables += mine
            rows += tokens
        }
        let q = r.floats(rows * queryHeads * headDim, -2...2)
        var out = [Float](repeating: .nan, count: rows * queryHeads * headDim)
        let pool = ThreadPool(threadCount: 2)
        Kernels.pagedCausalAttention(q: q, keys: keyPages, values: valuePages, pageSize: pageSize, pageTables: tables,
                                     sequences: sequences, queryHeads: queryHeads, kvHeads: kvHeads, headDim: headDim,
                                     scale: 0.25, window: nil, out: &out, pool: pool)
        for (i, s) in sequences.enumerated() {
            let rowFloats = queryHeads * headDim
            let qs = Array(q[s.firstRow * rowFloats ..< (s.firstRow + s.tokens) * rowFloats])
            var want = [Float](repeating: .nan, count: s.tokens * rowFloats)
            Kernels.causalAttention(q: qs, keys: contiguous[i].0, values: contiguous[i].1, tokens: s.tokens, start: s.start,
                                    queryHeads: queryHeads, kvHeads: kvHeads, headDim: headDim, scale: 0.25, window: nil,
                                    out: &want, pool: pool)
            #expect(Array(out[s.firstRow * rowFloats ..< (s.firstRow + s.tokens) * rowFloats]) == want, "sequence \(i)")
        }
    }
}
