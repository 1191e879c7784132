/// Hands out the pages of a `PagedKVCache` and keeps the prefix cache: a page whose positions
/// are all computed is registered under the hash of every token up to its end, and a later
/// sequence whose prompt starts with the same tokens takes the page instead of recomputing it
/// (vLLM's automatic prefix caching).
///
/// A page is free (never used, or evicted), in use (reference count > 0), or cached (count 0
/// but registered: reusable until evicted, least recently released first).
struct PageAllocator {
    let pageCount: Int
    let pageSize: Int
    private var references: [Int32]
    private var free: [Int32]
    /// Registered pages: hash → page, and each page's hash and own tokens (checked on a hit).
    private var byHash: [UInt64: Int32] = [:]
    private var hashOfPage: [UInt64?]
    private var tokensOfPage: [[Int]]
    /// Cached pages in release order (a doubly linked list threaded through arrays).
    private var previous: [Int32], next: [Int32]
    private var oldest: Int32 = -1, newest: Int32 = -1
    private(set) var cachedCount = 0
    private(set) var usedCount = 0

    init(pageCount: Int, pageSize: Int) {
        self.pageCount = pageCount
        self.pageSize = pageSize
        references = Array(repeating: 0, count: pageCount)
        free = (0..<Int32(pageCount)).reversed()
        hashOfPage = Array(repeating: nil, count: pageCount)
        tokensOfPage = Array(repeating: [], count: pageCount)
        previous = Array(repeating: -1, count: pageCount)
        next = Array(repeating: -1, count: pageCount)
    }

    /// Pages that `allocate` can still hand out (free, or cached and evictable).
    var available: Int { free.count + cachedCount }

    /// A page for new positions: a free one, else the least recently released cached one.
    mutating func allocate() -> Int32? {
        let page: Int32
        if let p = free.popLast() {
            page = p
        } else if oldest >= 0 {
            page = oldest
            unlink(page)
            forget(page)
        } else {
            return nil
        }
        references[Int(page)] = 1
        usedCount += 1
        return page
    }

    /// Drops one reference; a page nobody holds becomes cached (if registered) or free.
    mutating func release(_ page: Int32) {
        let i = Int(page)
        precondition(references[i] > 0, "page \(page) released more often than taken")
        references[i] -= 1
        guard references[i] == 0 else { return }
        usedCount -= 1
        if hashOfPage[i] != nil { link(page) } else { free.append(page) }
    }

    /// The registered page holding exactly `tokens` after the prefix that hashes to `hash`
    /// (see `chainHash`), with one more reference taken; nil if there is none.
    mutating func lookup(_ hash: UInt64, tokens: ArraySlice<Int>) -> Int32? {
        guard let page = byHash[hash], tokensOfPage[Int(page)].elementsEqual(tokens) else { return nil }
        let i = Int(page)
        if references[i] == 0 { unlink(page); usedCount += 1 }
        references[i] += 1
        return page
    }

    /// Registers `page` (in use, completely computed) under `hash`; a no-op if another page
    /// already holds that prefix or the page is registered.
    mutating func register(_ page: Int32, hash: UInt64, tokens: ArraySlice<Int>) {
        let i = Int(page)
        guard byHash[hash] == nil, hashOfPage[i] == nil else { return }
        byHash[hash] = page
        hashOfPage[i] = hash
        tokensOfPage[i] = Array(tokens)
    }

    /// Evicts every cached page (they become free).
    mutating func clearCache() {
        while oldest >= 0 {
            let page = oldest
            unlink(page)
            forget(page)
            free.append(page)
        }
    }

    /// The hash of a page's tokens following a prefix whose hash is `parent` (FNV-1a over the
    /// parent hash and the token ids): equal hashes mean equal prefixes up to the page's end.
    static func chainHash(parent: UInt64, tokens: ArraySlice<Int>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ v: UInt64) {
            var v = v
            for _ in 0..<8 { h = (h ^ (v & 0xff)) &* 0x0100_0000_01b3; v >>= 8 }
        }
        mix(parent)
        for t in tokens { mix(UInt64(bitPattern: Int64(t))) }
        return h
    }

    private mutating func forget(_ page: Int32) {
        let i = Int(page)
        if let h = hashOfPage[i], byHash[h] == page { byHash[h] = nil }
        hashOfPage[i] = nil
        tokensOfPage[i] = []
    }

    private mutating func link(_ page: Int32) {
        let i = Int(page)
        previous[i] = newest; next[i] = -1
        if newest >= 0 { next[Int(newest)] = page } else { oldest = page }
        newest = page
        cachedCount += 1
    }

    private mutating func unlink(_ page: Int32) {
        let i = Int(page)
        let p = previous[i], n = next[i]
        if p >= 0 { next[Int(p)] = n } else { oldest = n }
        if n >= 0 { previous[Int(n)] = p } else { newest = p }
        previous[i] = -1; next[i] = -1
        cachedCount -= 1
    }
}
