// Cache blocking of a multiply: how k, m and n are cut into the blocks that packing and the
// thread chunks work on.
//
// k: blocks of at most `kcMax`, of nearly equal size, decided by k alone. Each C element sums its
//    k-blocks in order, one block per micro-kernel call, so results do not depend on m, n or the
//    thread count (bit-identical on 1 or 2 threads).
// n: slabs of op(B) packed whole (all of k) before the chunks that read them run; a slab holds
//    at most `slabFloats` floats.
// m × n within a slab: chunks of `mc` rows × `partWidth` columns, each packing its own block of
//    A (mc × kc, in L2) and sweeping its B micro-panels (kc × 32, in L1) over it.

extension GEMM {
    /// k values per block: a B micro-panel (256 × 32 floats, 32 KiB) stays in the 48 KiB L1
    /// while A micro-panels (12 KiB) stream past it.
    static let kcMax = 256
    /// Rows of A packed per block: 144 × 256 floats = 144 KiB, well inside the 1 MiB L2.
    static let mcMax = 144
    /// Floats of packed op(B) per slab (8 MiB, which stays in L3): all of B for the training
    /// shapes but the vocabulary projection (k·n = 384·8192: two slabs) and fc2's weight gradient.
    static let slabFloats = 2 << 20
    /// Fewest rows per chunk when m is cut finer for threads: a B micro-panel loaded into L1
    /// still serves 8 micro-kernel calls (at 6, the weight gradients, whose B streams from L3,
    /// ran ~10 % slower per thread).
    static let mcMin = 8 * mr
    /// Narrowest chunk (columns) worth repacking A for.
    static let minPartWidth = 8 * nr
    /// Chunks per thread and slab to aim for.
    static let chunksPerThread = 16

    /// The blocks of one multiply.
    struct Blocking {
        let m: Int, n: Int, k: Int
        /// Blocks of k, sizes differing by at most 1.
        let kBlocks: Int
        /// Rows per chunk (a multiple of `mr`) and chunks along m.
        let mc: Int, mBlocks: Int
        /// Columns per packed slab of op(B) (a multiple of `nr`).
        let slabWidth: Int
        /// Columns per chunk within a slab (a multiple of `nr`).
        let partWidth: Int

        /// - threads: the threads that will run chunks; more threads, more and smaller chunks.
        init(m: Int, n: Int, k: Int, threads: Int) {
            self.m = m; self.n = n; self.k = k
            kBlocks = (k + kcMax - 1) / kcMax
            let widest = max(nr, slabFloats / k / nr * nr)
            let slabs = (n + widest - 1) / widest
            slabWidth = roundUp((n + slabs - 1) / slabs, to: nr)
            // Enough chunks per slab that dynamic claiming evens out threads running at different
            // speeds (a shared machine). Split m first, down to `mcMin` rows (smaller blocks only
            // cost B reuse), then n, down to `minPartWidth` (each part repacks its A).
            let wanted = threads > 1 ? chunksPerThread * threads : 1
            let rowBlocks = max((m + mcMax - 1) / mcMax, min(wanted, (m + mcMin - 1) / mcMin))
            mc = roundUp((m + rowBlocks - 1) / rowBlocks, to: mr)
            mBlocks = (m + mc - 1) / mc
            let maxParts = max(1, slabWidth / minPartWidth)
            let parts = min(maxParts, max(1, (wanted + mBlocks - 1) / mBlocks))
            partWidth = roundUp((slabWidth + parts - 1) / parts, to: nr)
        }

        /// First k of block p (p == kBlocks gives k).
        func kStart(_ p: Int) -> Int {
            p * (k / kBlocks) + min(p, k % kBlocks)
        }
    }

    static func roundUp(_ x: Int, to multiple: Int) -> Int {
        (x + multiple - 1) / multiple * multiple
    }
}
