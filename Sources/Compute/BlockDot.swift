import CTernKernels

/// Dot products of weight rows (any supported GGML type, used in place) with activation rows,
/// computed a tile at a time: the kernel behind every matrix product with model weights.
///
/// The tile contract (`tile`): for `rows` consecutive weight rows and `cols` activation rows,
///
///     out[c * outStride + r] = dot(weight row r, activation row c)   r < rows, c < cols
///
/// over `length` values. Activation rows are already in `Quant.activationType(for:)` of the
/// weight type (`Quant.quantizeActivationRow`), or f32 for F32/F16/BF16 weights.
///
/// How to call it (the matmul driver's side):
/// - Decode (one token, cols = 1) is memory-bound: split the rows of a matrix across threads in
///   chunks of >= 64 rows. The C kernels prefetch ahead along contiguous rows (weightStride ==
///   row bytes), as one linear stream.
/// - Prefill (many columns) is compute-bound: give each call a chunk of rows and all columns.
///   The tile runs micro-kernels of up to 4 rows x 4 columns (K-quants: 4 rows x 8 columns),
///   columns outermost, so a chunk's weights are decoded again from cache for every group of
///   columns while those columns' activations stay in L1 (8 K-quant rows of 8960 values, 82 KB,
///   in L2). The chunk size hardly matters (8 to 512 rows measured within 10% of each other,
///   single thread; K-quant tiles 64 and 560 rows within 3%): choose it for load balance, e.g.
///   16-64 rows.
///
/// On x86 with AVX-512 VNNI the quantized micro-kernels are the C ones of CTernKernels; the
/// pure-Swift twins (BlockDot+Swift.swift) run everywhere else. Both equal `tileReference`
/// to float rounding, and exactly on the integer parts.
public enum BlockDot {
    /// True when the AVX-512 VNNI micro-kernels were compiled in and are used.
    public static let usesVNNI: Bool = tern_has_vnni_kernels() != 0

    /// Fills a tile of dot products (see the type's documentation for the contract).
    ///   weights: weight row 0; row r at `weights + r * weightStride` (bytes), `length` values each
    ///   activations: activation row 0; row c at `activations + c * activationStride` (bytes)
    ///   out: out[c * outStride + r] (outStride in floats)
    /// Strides need no alignment. `length` must be a whole number of the weight type's blocks.
    public static func tile(_ weightType: GGMLType,
                            weights: UnsafeRawPointer, weightStride: Int, rows: Int,
                            activations: UnsafeRawPointer, activationStride: Int, cols: Int,
                            length: Int, out: UnsafeMutablePointer<Float>, outStride: Int) {
        tile(weightType, weights: weights, weightStride: weightStride, rows: rows,
             activations: activations, activationStride: activationStride, cols: cols,
             length: length, out: out, outStride: outStride, backend: usesVNNI ? .vnni : .swift)
    }

    /// Which implementation of the quantized micro-kernels runs.
    enum Backend { case vnni, swift }

    static func tile(_ weightType: GGMLType,
                     weights: UnsafeRawPointer, weightStride: Int, rows: Int,
                     activations: UnsafeRawPointer, activationStride: Int, cols: Int,
                     length: Int, out: UnsafeMutablePointer<Float>, outStride: Int, backend: Backend) {
        checkShape(weightType, length)
        guard rows > 0, cols > 0 else { return }
        let blocks = length / weightType.blockSize
        let microKernel: MicroKernel
        switch weightType {
        case .f32, .f16, .bf16:
            floatTile(weightType, weights, weightStride, rows, activations, activationStride, cols, length, out, outStride)
            return
        case _ where backend == .swift:
            swiftTile(weightType, weights, weightStride, rows, activations, activationStride, cols, blocks, out, outStride)
            return
        case .q4_0: microKernel = tern_dot_q4_0_q8_0
        case .q5_0: microKernel = tern_dot_q5_0_q8_0
        case .q8_0: microKernel = tern_dot_q8_0_q8_0
        case .q4_1: microKernel = tern_dot_q4_1_q8_1
        case .q5_1: microKernel = tern_dot_q5_1_q8_1
        case .q4_K: microKernel = tern_dot_q4_k_q8_k
        case .q5_K: microKernel = tern_dot_q5_k_q8_k
        default: microKernel = tern_dot_q6_k_q8_k
        }
        if blocks == 0 {
            for c in 0..<cols { (out + c * outStride).update(repeating: 0, count: rows) }
            return
        }
        // Matrix-vector products of types that are cheap to decode per byte (Q8_0, Q6_K) stream
        // faster from DRAM one row per call (one sequential read); the others gain more from 4 rows
        // sharing the activation's loads and conversions (measured single-thread, 160 MiB).
        let rowsPerCall = cols == 1 && (weightType == .q8_0 || weightType == .q6_K) ? 1 : 4
        // The K-quant kernels take 8 columns at a time when there are more than 4 (prefill tiles).
        let colsPerCall = cols > 4 && (weightType == .q4_K || weightType == .q5_K || weightType == .q6_K) ? 8 : 4
        // Rows in blocks of ~256 KiB, every column group of a block before the next block: with more
        // columns than one call takes, a block's weights are read from DRAM once and then from L2
        // (a 150 MB output matrix against 8 decoding sequences: one pass instead of two). The
        // calls, and so every output's arithmetic, are the same as column-major order.
        let rowBlock = max(rowsPerCall, (256 << 10) / max(1, weightStride) / 4 * 4)
        var b0 = 0
        while b0 < rows {
            let blockEnd = min(rows, b0 + rowBlock)
            var c0 = 0
            while c0 < cols {
                let nc = min(colsPerCall, cols - c0)
                var r0 = b0
                while r0 < blockEnd {
                    let nr = min(rowsPerCall, blockEnd - r0)
                    microKernel(Int32(nr), Int32(nc), weights + r0 * weightStride, weightStride,
                                activations + c0 * activationStride, activationStride, Int32(blocks),
                                out + c0 * outStride + r0, outStride)
                    r0 += nr
                }
                c0 += colsPerCall
            }
            b0 = blockEnd
        }
    }

    /// A C micro-kernel: rows (1...4), cols (1...4; K-quants 1...8), w, wStride, a, aStride, blocks,
    /// out, outStride.
    typealias MicroKernel = @convention(c) (Int32, Int32, UnsafeRawPointer?, Int, UnsafeRawPointer?, Int, Int32,
                                            UnsafeMutablePointer<Float>?, Int) -> Void
}
