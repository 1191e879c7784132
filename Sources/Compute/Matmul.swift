import CTernKernels

/// The input of y = W·x for a batch of tokens — x: (tokens, columns) f32 — together with its
/// quantized forms, each made on first use for a weight type's vec-dot type and reused by every
/// matrix that reads the same input (Q, K and V; gate and up).
public final class MatmulInput: @unchecked Sendable {
    public let maxTokens: Int
    public let maxColumns: Int
    public private(set) var tokens = 0
    public private(set) var columns = 0
    private var source: UnsafePointer<Float>?
    /// Quantized rows per activation type, valid for the current input when listed in `ready`.
    private var buffers: [GGMLType: ByteBuffer] = [:]
    private var ready: Set<GGMLType> = []
    /// Per-block scale and sum of the Q8_0 rows, for packed matrices; valid when `infoReady`.
    private var info: UnsafeMutablePointer<tern_block_info>?
    private var infoCapacity = 0
    private var infoReady = false

    public init(maxTokens: Int, maxColumns: Int) {
        self.maxTokens = maxTokens; self.maxColumns = maxColumns
    }

    /// Points the input at x: (tokens, columns) f32, which must stay unchanged while it is used.
    public func set(_ x: UnsafePointer<Float>, tokens: Int, columns: Int) {
        precondition(tokens <= maxTokens && columns <= maxColumns)
        source = x; self.tokens = tokens; self.columns = columns
        ready.removeAll(keepingCapacity: true)
        infoReady = false
    }

    deinit { info?.deallocate() }

    /// `BlockDot.blockInfo` of the Q8_0 rows (as `rows(for: weightType)` gives them), for packed
    /// Q8_0/Q5_0 matrices: `tokens × columns/32` entries.
    public func blockInfo(for weightType: GGMLType, pool: ThreadPool) -> UnsafePointer<tern_block_info> {
        precondition(Quant.activationType(for: weightType) == .q8_0)
        let (x, stride) = rows(for: weightType, pool: pool)
        let blocks = columns / 32
        if !infoReady {
            if infoCapacity < tokens * blocks {
                info?.deallocate()
                infoCapacity = maxTokens * (maxColumns / 32 + 1)
                info = .allocate(capacity: infoCapacity)
            }
            BlockDot.blockInfo(x, activationStride: stride, tokens: tokens, blocks: blocks, into: info!)
            infoReady = true
        }
        return UnsafePointer(info!)
    }

    /// Rows of the input quantized for weights of `weightType` (f32 rows are the input itself)
    /// and their stride in bytes.
    public func rows(for weightType: GGMLType, pool: ThreadPool) -> (pointer: UnsafeRawPointer, rowBytes: Int) {
        let source = source!
        let type = Quant.activationType(for: weightType)!
        if type == .f32 { return (UnsafeRawPointer(source), columns * 4) }
        let rowBytes = type.rowBytes(columns)!
        if !ready.contains(type) {
            let buffer = buffers[type] ?? {
                let b = ByteBuffer(count: maxTokens * type.rowBytes(maxColumns / type.blockSize * type.blockSize + type.blockSize)!)
                buffers[type] = b
                return b
            }()
            let dst = buffer.pointer
            let cols = columns
            let p = SendablePointers(source: source, destination: dst)
            let work = { (t: Int) in
                Quant.quantizeActivationRow(p.source + t * cols, count: cols, for: weightType, into: p.destination + t * rowBytes)
            }
            if tokens >= 4 { pool.parallelFor(tokens, work) } else { for t in 0..<tokens { work(t) } }
            ready.insert(type)
        }
        return (UnsafeRawPointer(buffers[type]!.pointer), rowBytes)
    }

    struct SendablePointers: @unchecked Sendable {
        let source: UnsafePointer<Float>
        let destination: UnsafeMutableRawPointer
    }
}

/// Matrix products of weights in any supported type with a batch of activations.
public enum Matmul {
    /// Weight rows per parallel chunk: small enough to balance two threads on the smallest
    /// projections, large enough that a chunk's fan-out cost is negligible.
    static func rowsPerChunk(_ w: WeightMatrix, tokens: Int, threads: Int) -> Int {
        let target = max(1, w.rows / (threads * 8))
        return min(max(16, target / 16 * 16), w.rows)
    }

    /// out = x·Wᵀ: out is (tokens, w.rows) f32, row t holding W·x[t].
    public static func multiply(_ w: WeightMatrix, _ input: MatmulInput, into out: UnsafeMutablePointer<Float>,
                                pool: ThreadPool) {
        precondition(input.columns == w.columns, "matmul: input has \(input.columns) columns, weight \(w.columns)")
        let tokens = input.tokens
        let (x, xStride) = input.rows(for: w.type, pool: pool)
        let chunk = rowsPerChunk(w, tokens: tokens, threads: pool.threadCount)
        let chunks = (w.rows + chunk - 1) / chunk
        let p = Pointers(x: x, out: out)
        if let packed = w.packed {
            let info = InfoPointer(info: Quant.activationType(for: w.type) == .q8_0 ? input.blockInfo(for: w.type, pool: pool) : nil)
            pool.parallelFor(chunks) { i in
                let r0 = i * chunk
                BlockDot.packedTile(packed, rowStart: r0, rows: min(chunk, w.rows - r0),
                                    activations: p.x, activationStride: xStride, info: info.info, cols: tokens,
                                    out: p.out + r0, outStride: w.rows)
            }
            return
        }
        pool.parallelFor(chunks) { i in
            let r0 = i * chunk
            let rows = min(chunk, w.rows - r0)
            BlockDot.tile(w.type, weights: w.row(r0), weightStride: w.rowBytes, rows: rows,
                          activations: p.x, activationStride: xStride, cols: tokens,
                          length: w.columns, out: p.out + r0, outStride: w.rows)
        }
    }

    struct InfoPointer: @unchecked Sendable {
        let info: UnsafePointer<tern_block_info>?
    }

    struct Pointers: @unchecked Sendable {
        let x: UnsafeRawPointer
        let out: UnsafeMutablePointer<Float>
    }
}
