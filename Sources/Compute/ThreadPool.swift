import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A persistent fork-join pool for kernels: `parallelFor(n) { i in ... }` runs `n` chunks on
/// the caller plus `threadCount - 1` worker threads.
///
/// Design (see notes on threads): the caller takes part and claims every chunk no worker has
/// claimed ("caller steals"), so a descheduled worker never stalls a step — on a busy machine
/// the pool degrades to single-thread speed instead of waiting out a time slice. Workers spin
/// briefly between jobs (decode issues hundreds of jobs per token), then sleep on a condition.
/// Fan-out cost is a fraction of a microsecond, against ~50 µs for a decode matvec.
public final class ThreadPool: @unchecked Sendable {
    /// Threads taking part in a job, the caller included.
    public let threadCount: Int

    /// Generation (high 32 bits) and next unclaimed chunk (low 32 bits) of the current job.
    /// One word, so a worker that woke late can never claim a chunk of a newer job.
    private let state = Atomic<UInt64>(0)
    private let completed = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private var chunkCount = 0
    private var job: Unmanaged<Job>?
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private var threads: [pthread_t] = []

    private final class Job {
        let body: (Int) -> Void
        init(_ body: @escaping (Int) -> Void) { self.body = body }
    }

    /// The process-wide pool: `TERN_THREADS` threads if set, else every available core.
    public static let shared = ThreadPool(threadCount: defaultThreadCount)

    /// Online cores, at least 1.
    public static var defaultThreadCount: Int {
        if let s = getenv("TERN_THREADS"), let n = Int(String(cString: s)), n > 0 { return n }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    public init(threadCount: Int) {
        self.threadCount = max(1, threadCount)
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
        for _ in 1..<self.threadCount {
            let context = Unmanaged.passRetained(WorkerContext(pool: self)).toOpaque()
            var thread = pthread_t()
            let rc = pthread_create(&thread, nil, { raw in
                let ctx = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                ctx.pool.workerLoop()
                return nil
            }, context)
            precondition(rc == 0, "pthread_create failed: \(rc)")
            threads.append(thread)
        }
    }

    private final class WorkerContext {
        // unowned(unsafe): deinit joins every worker before the pool's memory goes away.
        unowned(unsafe) let pool: ThreadPool
        init(pool: ThreadPool) { self.pool = pool }
    }

    deinit {
        stopping.store(true, ordering: .sequentiallyConsistent)
        pthread_mutex_lock(&mutex)
        pthread_cond_broadcast(&condition)
        pthread_mutex_unlock(&mutex)
        for t in threads { pthread_join(t, nil) }
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    /// Runs `body(i)` for every `i` in `0..<count`, each exactly once, and returns when all are
    /// done. Chunks run concurrently in any order; `body` must only write what chunk `i` owns.
    /// Calls must not nest, and one job runs at a time (callers on several threads serialize).
    public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        if count <= 0 { return }
        if count == 1 || threadCount == 1 {
            for i in 0..<count { body(i) }
            return
        }
        callerLock.withLock { _ in
            withoutActuallyEscaping(body) { escapable in
                let box = Job(escapable)
                run(box, count)
                withExtendedLifetime(box) {}
            }
        }
    }

    /// Serializes jobs submitted from different threads.
    private let callerLock = Mutex<Void>(())

    private func run(_ box: Job, _ count: Int) {
        precondition(count < Int(UInt32.max))
        job = Unmanaged.passUnretained(box)
        chunkCount = count
        completed.store(0, ordering: .relaxed)
        let generation = (state.load(ordering: .relaxed) >> 32) &+ 1
        // Publishing the new generation with index 0 releases the job fields above.
        state.store(generation << 32, ordering: .sequentiallyConsistent)
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            pthread_mutex_lock(&mutex)
            pthread_cond_broadcast(&condition)
            pthread_mutex_unlock(&mutex)
        }
        let mine = work(generation: UInt32(truncatingIfNeeded: generation))
        if mine < count {
            var spins = 0
            while completed.load(ordering: .acquiring) < count {
                spins += 1
                if spins > 4096 { sched_yield() }
            }
        }
        job = nil
    }

    /// Claims and runs chunks of the job of `generation` until none is left; returns how many
    /// chunks this thread's claims brought the completed count to (only meaningful for the caller).
    @discardableResult
    private func work(generation: UInt32) -> Int {
        var ran = 0
        var total = 0
        while true {
            var current = state.load(ordering: .acquiring)
            var index = 0
            while true {
                index = Int(UInt32(truncatingIfNeeded: current))
                guard UInt32(truncatingIfNeeded: current >> 32) == generation, index < chunkCount else {
                    if ran > 0 { total = completed.add(ran, ordering: .acquiringAndReleasing).newValue }
                    return total
                }
                let (exchanged, original) = state.compareExchange(
                    expected: current, desired: current &+ 1, ordering: .acquiringAndReleasing)
                if exchanged { break }
                current = original
            }
            job!._withUnsafeGuaranteedRef { $0.body(index) }
            // Completions are reported once, when no chunk is left to claim.
            ran += 1
        }
    }

    private func workerLoop() {
        var seen: UInt32 = 0
        while !stopping.load(ordering: .relaxed) {
            var generation = UInt32(truncatingIfNeeded: state.load(ordering: .acquiring) >> 32)
            var spins = 0
            while generation == seen {
                spins += 1
                if spins > 200_000 {
                    // Nothing for a while: sleep until the next job (or shutdown).
                    pthread_mutex_lock(&mutex)
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while UInt32(truncatingIfNeeded: state.load(ordering: .sequentiallyConsistent) >> 32) == seen,
                          !stopping.load(ordering: .sequentiallyConsistent) {
                        pthread_cond_wait(&condition, &mutex)
                    }
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    pthread_mutex_unlock(&mutex)
                    spins = 0
                    if stopping.load(ordering: .relaxed) { return }
                }
                generation = UInt32(truncatingIfNeeded: state.load(ordering: .acquiring) >> 32)
            }
            seen = generation
            work(generation: generation)
        }
    }
}
