import Testing
@testable import Generation

/// The page allocator's bookkeeping: references, prefix registration, LRU eviction.
@Suite struct PageAllocatorTests {
    @Test func allocatesEveryPageOnceThenRunsOut() {
        var a = PageAllocator(pageCount: 4, pageSize: 2)
        let pages = (0..<4).compactMap { _ in a.allocate() }
        #expect(Set(pages).count == 4)
        #expect(a.allocate() == nil && a.usedCount == 4 && a.available == 0)
        for p in pages { a.release(p) }
        #expect(a.usedCount == 0 && a.available == 4)
    }

    @Test func registeredPagesAreReusedByPrefixAndEvictedOldestFirst() {
        var a = PageAllocator(pageCount: 3, pageSize: 2)
        let tokens = [5, 6, 7, 8]
        let h0 = PageAllocator.chainHash(parent: 0, tokens: tokens[0..<2])
        let h1 = PageAllocator.chainHash(parent: h0, tokens: tokens[2..<4])
        let p0 = a.allocate()!, p1 = a.allocate()!
        a.register(p0, hash: h0, tokens: tokens[0..<2])
        a.register(p1, hash: h1, tokens: tokens[2..<4])
        a.release(p0); a.release(p1)
        #expect(a.cachedCount == 2 && a.usedCount == 0 && a.available == 3)
        // A hit takes the page back out of the cache with a reference.
        #expect(a.lookup(h0, tokens: tokens[0..<2]) == p0)
        #expect(a.cachedCount == 1 && a.usedCount == 1)
        // Same hash, other tokens: no hit (a collision never returns wrong keys and values).
        #expect(a.lookup(h1, tokens: [9, 9][...]) == nil)
        // The free page goes first, then the cached page p1 is evicted and forgotten.
        let fresh = a.allocate()!
        #expect(fresh != p0 && fresh != p1)
        #expect(a.allocate() == p1)
        #expect(a.lookup(h1, tokens: tokens[2..<4]) == nil)
        // Two holders of one page: it is cached only after both release it.
        #expect(a.lookup(h0, tokens: tokens[0..<2]) == p0)
        a.release(p0)
        #expect(a.cachedCount == 0)
        a.release(p0)
        #expect(a.cachedCount == 1)
    }

    @Test func chainHashDependsOnTheWholePrefix() {
        let a = PageAllocator.chainHash(parent: 0, tokens: [1, 2][...])
        let b = PageAllocator.chainHash(parent: 1, tokens: [1, 2][...])
        let c = PageAllocator.chainHash(parent: 0, tokens: [2, 1][...])
        #expect(a != b && a != c)
        #expect(a == PageAllocator.chainHash(parent: 0, tokens: [1, 2][...]))
    }
}
