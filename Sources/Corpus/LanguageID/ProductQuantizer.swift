/// fastText's product quantizer: a vector of `dim` floats is cut into `subquantizerCount`
/// pieces of `subDim` floats (the last piece `lastSubDim`), and each piece is stored as one
/// byte naming one of 256 centroids of that piece.
///
/// Centroid layout (`centroids`, `dim × 256` floats): piece `m < last` centroid `c` starts at
/// `(m·256 + c)·subDim`; the last piece's centroid `c` at `m·256·subDim + c·lastSubDim`.
struct ProductQuantizer: Sendable {
    static let centroidCount = 256
    let dim: Int
    let subquantizerCount: Int
    let subDim: Int
    let lastSubDim: Int
    let centroids: [Float]

    static func read(from r: inout FastTextBinaryReader, _ name: String) throws(LanguageIDError) -> ProductQuantizer {
        let dim = Int(try r.int32(name + ".dim"))
        let nsubq = Int(try r.int32(name + ".nsubq"))
        let dsub = Int(try r.int32(name + ".dsub"))
        let lastdsub = Int(try r.int32(name + ".lastdsub"))
        guard dim > 0, nsubq > 0, dsub > 0, lastdsub > 0, lastdsub <= dsub, dim <= 1 << 16,
              (nsubq - 1) * dsub + lastdsub == dim else {
            throw r.invalid(name, "dim \(dim), nsubq \(nsubq), dsub \(dsub), lastdsub \(lastdsub) disagree")
        }
        let centroids = try r.floats(dim * centroidCount, name + ".centroids")
        return ProductQuantizer(dim: dim, subquantizerCount: nsubq, subDim: dsub, lastSubDim: lastdsub,
                                centroids: centroids)
    }

    /// Offset in `centroids` of centroid `code` of piece `m`.
    @inline(__always)
    func centroidStart(_ m: Int, _ code: UInt8) -> Int {
        m == subquantizerCount - 1
            ? m * Self.centroidCount * subDim + Int(code) * lastSubDim
            : (m * Self.centroidCount + Int(code)) * subDim
    }

    /// Width of piece `m`.
    @inline(__always)
    func width(_ m: Int) -> Int { m == subquantizerCount - 1 ? lastSubDim : subDim }
}

/// A fastText `QuantMatrix`: per row, `subquantizerCount` code bytes, and optionally a row
/// norm quantized by a second, one-dimensional quantizer (`qnorm`). Row `i` is
/// `norm(i) · [centroid(m, code(i, m)) for each piece m]`.
struct QuantizedMatrix: Sendable {
    let rows: Int
    let cols: Int
    let codes: [UInt8]
    let quantizer: ProductQuantizer
    /// Per-row norm codes and their quantizer, when the norms were quantized separately.
    let normCodes: [UInt8]?
    let normQuantizer: ProductQuantizer?

    /// Reads `QuantMatrix::save`: qnorm (bool), m and n (int64), codesize (int32), codes,
    /// the quantizer, then (with qnorm) m norm codes and the norm quantizer.
    static func read(from r: inout FastTextBinaryReader, _ name: String) throws(LanguageIDError) -> QuantizedMatrix {
        let qnorm = try r.bool(name + ".qnorm")
        let m = try r.int64(name + ".m"), n = try r.int64(name + ".n")
        let codeSize = Int(try r.int32(name + ".codesize"))
        guard m >= 0, n > 0, m <= Int64(r.remaining), n <= 1 << 16, codeSize >= 0 else {
            throw r.invalid(name, "shape \(m)×\(n), codesize \(codeSize)")
        }
        let codes = try r.raw(codeSize, name + ".codes")
        let pq = try ProductQuantizer.read(from: &r, name + ".pq")
        guard pq.dim == Int(n), codeSize == Int(m) * pq.subquantizerCount else {
            throw r.invalid(name + ".pq", "quantizer dim \(pq.dim) / codesize \(codeSize) do not fit \(m)×\(n)")
        }
        var normCodes: [UInt8]? = nil, npq: ProductQuantizer? = nil
        if qnorm {
            normCodes = try r.raw(Int(m), name + ".norm_codes")
            let q = try ProductQuantizer.read(from: &r, name + ".npq")
            guard q.dim == 1, q.subquantizerCount == 1 else { throw r.invalid(name + ".npq", "norm quantizer dim \(q.dim)") }
            npq = q
        }
        return QuantizedMatrix(rows: Int(m), cols: Int(n), codes: codes, quantizer: pq,
                               normCodes: normCodes, normQuantizer: npq)
    }

    /// The norm fastText multiplies row `i` by (1 without quantized norms).
    @inline(__always)
    func norm(_ i: Int) -> Float {
        guard let normCodes, let normQuantizer else { return 1 }
        return normQuantizer.centroids[normQuantizer.centroidStart(0, normCodes[i])]
    }

    /// fastText's `addcode`: `x += norm(i) · row(i)`, element by element (the products rounded
    /// to float before the sum, as fastText does).
    func addRow(_ i: Int, to x: inout [Float]) {
        let a = norm(i), pq = quantizer
        for m in 0..<pq.subquantizerCount {
            let c = pq.centroidStart(m, codes[i * pq.subquantizerCount + m])
            for k in 0..<pq.width(m) { x[m * pq.subDim + k] += a * pq.centroids[c + k] }
        }
    }

    /// fastText's `mulcode`: `(Σ x·centroid) · norm(i)`, summed piece by piece in order.
    func dotRow(_ i: Int, _ x: UnsafeBufferPointer<Float>) -> Float {
        let pq = quantizer
        var sum: Float = 0
        for m in 0..<pq.subquantizerCount {
            let c = pq.centroidStart(m, codes[i * pq.subquantizerCount + m])
            for k in 0..<pq.width(m) { sum += x[m * pq.subDim + k] * pq.centroids[c + k] }
        }
        return sum * norm(i)
    }

    /// All rows expanded to floats, `rows × cols` row-major: each value is the same
    /// `norm · centroid` product `addRow` adds, so summing expanded rows equals fastText's sums.
    func expanded() -> [Float] {
        var out = [Float](repeating: 0, count: rows * cols)
        let pq = quantizer
        for i in 0..<rows {
            let a = norm(i)
            for m in 0..<pq.subquantizerCount {
                let c = pq.centroidStart(m, codes[i * pq.subquantizerCount + m])
                for k in 0..<pq.width(m) { out[i * cols + m * pq.subDim + k] = a * pq.centroids[c + k] }
            }
        }
        return out
    }
}
