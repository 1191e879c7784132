import Testing
import Synchronization
@testable import Compute

@Suite struct ThreadPoolTests {
    /// Every chunk runs exactly once, over many consecutive jobs of varied sizes.
    @Test(arguments: [1, 2, 3, 4])
    func everyChunkRunsExactlyOnce(threads: Int) {
        let pool = ThreadPool(threadCount: threads)
        for job in 0..<2000 {
            let n = job % 37 + 1
            let counts = UnsafeMutablePointer<Int>.allocate(capacity: n)
            counts.initialize(repeating: 0, count: n)
            let box = Box(counts)
            pool.parallelFor(n) { i in box.p[i] += 1 }
            for i in 0..<n { #expect(counts[i] == 1, "job \(job) chunk \(i)") }
            counts.deallocate()
        }
    }

    /// Jobs from several threads serialize instead of corrupting each other.
    @Test func concurrentCallersSerialize() async {
        let pool = ThreadPool(threadCount: 2)
        let total = Counter()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<200 { pool.parallelFor(10) { _ in total.value.add(1, ordering: .relaxed) } }
                }
            }
        }
        #expect(total.value.load(ordering: .relaxed) == 4 * 200 * 10)
    }

    /// Workers that went to sleep wake up for the next job.
    @Test func workersWakeAfterSleeping() async throws {
        let pool = ThreadPool(threadCount: 2)
        let total = Counter()
        pool.parallelFor(8) { _ in total.value.add(1, ordering: .relaxed) }
        try await Task.sleep(for: .milliseconds(300))
        pool.parallelFor(8) { _ in total.value.add(1, ordering: .relaxed) }
        #expect(total.value.load(ordering: .relaxed) == 16)
    }
}

private struct Box: @unchecked Sendable {
    let p: UnsafeMutablePointer<Int>
    init(_ p: UnsafeMutablePointer<Int>) { self.p = p }
}

private final class Counter: Sendable {
    let value = Atomic<Int>(0)
}
