import ArgumentParser
import Compute
import Foundation

/// One benchmarked multiply of training, C (m×n) = op(A)·op(B) (+ C).
struct GEMMBenchShape: Codable, Sendable {
    var name: String
    var m: Int, n: Int, k: Int
    var transposeA: Bool, transposeB: Bool, accumulate: Bool
    /// Independent multiplies of this shape, each on one thread (`pool: nil`), spread over the
    /// pool as attention runs them (one per sequence and head); 1: one multiply on the whole pool.
    var batch: Int

    var flops: Double { 2 * Double(m) * Double(n) * Double(k) * Double(batch) }

    /// "NT": A normal, B transposed (BLAS letters for op(A), op(B)).
    var layout: String { (transposeA ? "T" : "N") + (transposeB ? "T" : "N") }

    /// The multiplies of one training step of the benchmark GPT: 6 layers, d = 384, 6 heads of
    /// 64, context 256, vocabulary 8192, batch 16 sequences, so M = 4096 token rows; a linear
    /// layer W (out, in) runs forward Y = X·Wᵀ (NT), input gradient dX = dY·W (NN) and weight
    /// gradient dW += dYᵀ·X (TN, accumulating).
    static let training: [GEMMBenchShape] = {
        let tokens = 4096
        // (name, out, in) of each linear layer.
        let layers = [("qkv", 1152, 384), ("proj", 384, 384), ("fc1", 1536, 384), ("fc2", 384, 1536), ("head", 8192, 384)]
        var shapes: [GEMMBenchShape] = []
        for (name, out, input) in layers {
            shapes.append(.init(name: "\(name).fwd", m: tokens, n: out, k: input,
                                transposeA: false, transposeB: true, accumulate: false, batch: 1))
        }
        for (name, out, input) in layers {
            shapes.append(.init(name: "\(name).dx", m: tokens, n: input, k: out,
                                transposeA: false, transposeB: false, accumulate: false, batch: 1))
        }
        for (name, out, input) in layers {
            shapes.append(.init(name: "\(name).dw", m: out, n: input, k: tokens,
                                transposeA: true, transposeB: false, accumulate: true, batch: 1))
        }
        // Attention per (sequence, head), 16 × 6 of them: scores Q·Kᵀ (and dP = dO·Vᵀ),
        // context P·V (and dQ = dS·K), dV = Pᵀ·dO (and dK = dSᵀ·Q).
        let heads = 16 * 6
        shapes.append(.init(name: "attn.scores", m: 256, n: 256, k: 64,
                            transposeA: false, transposeB: true, accumulate: false, batch: heads))
        shapes.append(.init(name: "attn.context", m: 256, n: 64, k: 256,
                            transposeA: false, transposeB: false, accumulate: false, batch: heads))
        shapes.append(.init(name: "attn.dv", m: 256, n: 64, k: 256,
                            transposeA: true, transposeB: false, accumulate: false, batch: heads))
        return shapes
    }()
}

/// GFLOP/s of one shape over the repetitions.
struct GEMMBenchResult: Codable {
    var shape: GEMMBenchShape
    var threads: Int
    var medianGFLOPS: Double
    var bestGFLOPS: Double
}

/// `tern bench gemm`: GFLOP/s of `GEMM.multiply` on the training shapes.
struct GEMMBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "Measure GFLOP/s of the f32 GEMM on the multiplies of a GPT training step.")

    @Option(name: .shortAndLong, help: "Threads (default: all cores, or TERN_THREADS).") var threads: Int?
    @Option(name: .customLong("shape"), help: "Only these shapes, by name (repeatable; see --list).") var names: [String] = []
    @Option(help: "Timed repetitions per shape; median and best are reported.") var repetitions = 5
    @Option(name: .customLong("min-time"), help: "Seconds per repetition, at least.") var minTime = 0.2
    @Flag(help: "List the shapes and exit.") var list = false
    @Flag(help: "Print JSON (one array).") var json = false

    func validate() throws {
        if let threads, threads < 1 || threads > 256 { throw ValidationError("--threads must be between 1 and 256") }
        let known = Set(GEMMBenchShape.training.map(\.name))
        if let unknown = names.first(where: { !known.contains($0) }) { throw ValidationError("unknown shape \(unknown)") }
        if repetitions < 1 { throw ValidationError("--repetitions must be ≥ 1") }
    }

    func run() throws {
        let shapes = GEMMBenchShape.training.filter { names.isEmpty || names.contains($0.name) }
        if list {
            if json { print(try encodeJSON(shapes)) } else { for s in shapes { print(describe(s)) } }
            return
        }
        let pool = threads.map { ThreadPool(threadCount: $0) } ?? .shared
        var results: [GEMMBenchResult] = []
        for shape in shapes {
            let result = GEMMBenchmark.run(shape, pool: pool, repetitions: repetitions, minSeconds: minTime)
            results.append(result)
            if !json {
                print(describe(shape) + String(format: "  threads %d  median %7.1f GFLOP/s  best %7.1f",
                                               result.threads, result.medianGFLOPS, result.bestGFLOPS))
            }
        }
        if json { print(try encodeJSON(results)) }
    }

    func describe(_ s: GEMMBenchShape) -> String {
        let batch = s.batch > 1 ? " ×\(s.batch)" : ""
        return "\(s.name.padding(toLength: 13, withPad: " ", startingAt: 0)) \(s.layout)\(s.accumulate ? "+" : " ") "
            + "m \(s.m) n \(s.n) k \(s.k)\(batch)".padding(toLength: 28, withPad: " ", startingAt: 0)
    }
}

/// Times `GEMM.multiply` on one shape with random operands.
enum GEMMBenchmark {
    static func run(_ shape: GEMMBenchShape, pool: ThreadPool, repetitions: Int, minSeconds: Double) -> GEMMBenchResult {
        let (m, n, k) = (shape.m, shape.n, shape.k)
        let a = FloatBuffer(count: m * k * shape.batch), b = FloatBuffer(count: k * n * shape.batch)
        let c = FloatBuffer(count: m * n * shape.batch)
        var rng = SystemRandomNumberGenerator()
        for i in 0..<a.count { a[i] = Float.random(in: -1...1, using: &rng) }
        for i in 0..<b.count { b[i] = Float.random(in: -1...1, using: &rng) }
        // Stored shapes: A (m, k) or (k, m), B (k, n) or (n, k); rows are dense.
        let lda = shape.transposeA ? m : k, ldb = shape.transposeB ? k : n
        let multiply = {
            if shape.batch == 1 {
                GEMM.multiply(m: m, n: n, k: k, a: a.pointer, lda: lda, transposeA: shape.transposeA,
                              b: b.pointer, ldb: ldb, transposeB: shape.transposeB,
                              c: c.pointer, ldc: n, accumulate: shape.accumulate, pool: pool)
            } else {
                pool.parallelFor(shape.batch) { i in
                    GEMM.multiply(m: m, n: n, k: k, a: a.pointer + i * m * k, lda: lda, transposeA: shape.transposeA,
                                  b: b.pointer + i * k * n, ldb: ldb, transposeB: shape.transposeB,
                                  c: c.pointer + i * m * n, ldc: n, accumulate: shape.accumulate, pool: nil)
                }
            }
        }
        // Warm up (page faults, packing buffers), then size a repetition to minSeconds.
        multiply()
        let once = seconds { multiply() }
        let iterations = max(1, Int((minSeconds / max(once, 1e-9)).rounded(.up)))
        var rates: [Double] = []
        for _ in 0..<repetitions {
            let elapsed = seconds { for _ in 0..<iterations { multiply() } }
            rates.append(shape.flops * Double(iterations) / elapsed / 1e9)
        }
        rates.sort()
        return GEMMBenchResult(shape: shape, threads: pool.threadCount, medianGFLOPS: rates[rates.count / 2],
                               bestGFLOPS: rates.last!)
    }

    static func seconds(_ body: () -> Void) -> Double {
        let start = ContinuousClock.now
        body()
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
