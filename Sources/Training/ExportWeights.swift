import Architectures
import Autodiff
import Compute

extension DecoderGraph {
    /// The base parameters as an exporter writes them, in the graph's order: each (name, shape,
    /// values), with every LoRA adapter folded in (W + scale·B·A, what `logits` computes without
    /// dropout) — the graph itself is not changed. Adapter tensors are not listed.
    /// Throws when a value is NaN or infinite.
    func exportedParameters(pool: ThreadPool = .shared) throws(ExportError) -> [(name: String, shape: [Int], values: [Float])] {
        var out: [(name: String, shape: [Int], values: [Float])] = []
        for e in parameters.entries {
            var values = e.tensor.values
            if let lora = adapters[e.name] {
                let rows = e.tensor.shape[0], columns = e.tensor.shape[1]
                values.withUnsafeMutableBufferPointer { w in
                    GEMM.multiply(m: rows, n: columns, k: lora.rank, alpha: lora.scale, a: lora.b.value.pointer, lda: lora.rank,
                                  b: lora.a.value.pointer, ldb: columns, c: w.baseAddress!, ldc: columns, accumulate: true, pool: pool)
                }
            }
            guard values.allSatisfy(\.isFinite) else { throw .nonFiniteValue(tensor: e.name) }
            out.append((e.name, e.tensor.shape, values))
        }
        return out
    }
}
