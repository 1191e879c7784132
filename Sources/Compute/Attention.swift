/// One sequence's part of a batched attention call: which query rows are its tokens, where
/// they sit in the sequence, and where its keys and values live.
public struct AttentionSequence: Sendable, Equatable {
    /// Row of the sequence's first query in `q` / `out`.
    public var firstRow: Int
    /// Queries (consecutive rows) of this sequence in the batch.
    public var tokens: Int
    /// Position of the first query; keys and values of positions `0 ..< start + tokens` are stored.
    public var start: Int
    /// Index into the page-table array of this sequence's table: entry i is the page that holds
    /// positions `i * pageSize ..< (i + 1) * pageSize`.
    public var pageTable: Int

    public init(firstRow: Int, tokens: Int, start: Int, pageTable: Int) {
        self.firstRow = firstRow; self.tokens = tokens; self.start = start; self.pageTable = pageTable
    }
}

extension Kernels {
    /// Causal scaled-dot-product attention of a block of queries against cached keys/values,
    /// with grouped-query heads and an optional sliding window: one contiguous sequence.
    ///
    /// - q: (tokens, queryHeads, headDim), the queries at positions `start ..< start + tokens`
    /// - keys, values: (positions, kvHeads, headDim) f32 rows, holding at least `start + tokens`
    ///   positions; query head h reads KV head h / (queryHeads / kvHeads)
    /// - window: a query at position p sees keys p − window + 1 … p (nil: all keys ≤ p)
    /// - out: (tokens, queryHeads, headDim)
    public static func causalAttention(
        q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
        tokens: Int, start: Int, queryHeads: Int, kvHeads: Int, headDim: Int,
        scale: Float, window: Int?, out: UnsafeMutablePointer<Float>, pool: ThreadPool
    ) {
        // One page as large as the whole sequence.
        let sequence = [AttentionSequence(firstRow: 0, tokens: tokens, start: start, pageTable: 0)]
        let table: [Int32] = [0]
        pagedCausalAttention(q: q, keys: keys, values: values, pageSize: start + tokens, pageTables: table,
                             sequences: sequence, queryHeads: queryHeads, kvHeads: kvHeads, headDim: headDim,
                             scale: scale, window: window, out: out, pool: pool)
    }

    /// Causal attention for a batch of sequences whose keys and values live in fixed-size pages.
    ///
    /// - keys, values: page storage, (pages, pageSize, kvHeads, headDim) f32
    /// - pageTables: the concatenated page tables that `sequences[i].pageTable` index into
    /// - sequences: the batch's sequences, in order of their query rows, which follow one
    ///   another from row 0 (sequence i's rows start where sequence i − 1's end)
    /// Work is split over (query row, head) pairs of all sequences on `pool`.
    public static func pagedCausalAttention(
        q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
        pageSize: Int, pageTables: UnsafePointer<Int32>, sequences: [AttentionSequence],
        queryHeads: Int, kvHeads: Int, headDim: Int, scale: Float, window: Int?,
        out: UnsafeMutablePointer<Float>, pool: ThreadPool
    ) {
        let group = queryHeads / kvHeads
        let kvStride = kvHeads * headDim
        let rowStride = queryHeads * headDim
        var rows = 0, maxKeys = 0
        for s in sequences {
            rows += s.tokens
            maxKeys = max(maxKeys, s.start + s.tokens)
        }
        let pairs = rows * queryHeads
        guard pairs > 0 else { return }
        // Chunks of a few (row, head) pairs: enough to balance, few enough to be cheap.
        let chunk = max(1, pairs / (pool.threadCount * 8))
        let chunks = (pairs + chunk - 1) / chunk
        let p = Pointers(q: q, keys: keys, values: values, out: out)
        let tables = TablePointer(base: pageTables)
        pool.parallelFor(chunks) { c in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: maxKeys) { scores in
                let s = scores.baseAddress!
                var owner = 0  // the sequence of the current row; rows only grow within a chunk
                for pair in c * chunk ..< min(pairs, (c + 1) * chunk) {
                    let row = pair / queryHeads, h = pair % queryHeads
                    owner = sequenceIndex(of: row, in: sequences, from: owner)
                    let sequence = sequences[owner]
                    let position = sequence.start + row - sequence.firstRow
                    let first = window.map { max(0, position - $0 + 1) } ?? 0
                    let count = position - first + 1
                    let qv = p.q + row * rowStride + h * headDim
                    let kvOffset = (h / group) * headDim
                    let table = tables.base + sequence.pageTable
                    // Scores over the visible keys, one page run at a time.
                    var j = 0
                    forEachRun(first: first, count: count, pageSize: pageSize, table: table) { offset, run in
                        let k = p.keys + offset * kvStride + kvOffset
                        for r in 0..<run { s[j + r] = dot(qv, k + r * kvStride, headDim) * scale }
                        j += run
                    }
                    softmax(s, count)
                    let o = p.out + row * rowStride + h * headDim
                    o.initialize(repeating: 0, count: headDim)
                    j = 0
                    forEachRun(first: first, count: count, pageSize: pageSize, table: table) { offset, run in
                        let v = p.values + offset * kvStride + kvOffset
                        for r in 0..<run { axpy(s[j + r], v + r * kvStride, o, headDim) }
                        j += run
                    }
                }
            }
        }
    }

    /// The sequence whose query rows contain `row`, searching forward from `start`: rows are
    /// numbered sequence after sequence (the kernel's documented layout).
    @inline(__always)
    static func sequenceIndex(of row: Int, in sequences: [AttentionSequence], from start: Int) -> Int {
        var i = start
        while row >= sequences[i].firstRow + sequences[i].tokens { i += 1 }
        return i
    }

    /// Calls `body(storageRow, runLength)` for consecutive runs of positions
    /// `first ..< first + count` that share a page.
    @inline(__always)
    static func forEachRun(first: Int, count: Int, pageSize: Int, table: UnsafePointer<Int32>,
                           _ body: (Int, Int) -> Void) {
        var position = first
        let end = first + count
        while position < end {
            let page = position / pageSize, inPage = position - page * pageSize
            let run = min(pageSize - inPage, end - position)
            body(Int(table[page]) * pageSize + inPage, run)
            position += run
        }
    }

    /// Raw pointers captured by kernel closures that run on the pool (each chunk writes only
    /// its own part of `out`).
    struct Pointers: @unchecked Sendable {
        let q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>
        let out: UnsafeMutablePointer<Float>
    }

    struct TablePointer: @unchecked Sendable {
        let base: UnsafePointer<Int32>
    }
}
