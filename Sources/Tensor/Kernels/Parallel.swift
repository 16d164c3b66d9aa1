import Foundation
#if os(Linux)
import Glibc
import Synchronization
#endif

/// Work split over the cores. The thread count comes from `AINB_THREADS`
/// (default: every core the machine has).
///
/// On Linux the work runs on a persistent pool of threads that spin briefly
/// after each job before they sleep, so jobs of a few tens of microseconds
/// still gain from a second core (a dispatch queue's wake-up latency is
/// longer than such jobs).
public enum Parallel {
    /// How many threads kernels use.
    public static let threadCount: Int = {
        if let text = ProcessInfo.processInfo.environment["AINB_THREADS"], let n = Int(text), n > 0 { return n }
        return ProcessInfo.processInfo.activeProcessorCount
    }()

    /// Runs `body(i)` for i in 0..<count, spread over the threads; returns when all are done.
    ///
    /// Indices are handed out one at a time in increasing order, so uneven
    /// items balance themselves. A call made from inside a running `forEach`
    /// (or while another thread's call runs) runs serially on its own thread.
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        forEach(count, threads: threadCount, body)
    }

    /// Runs `body` over contiguous ranges covering 0..<count, in parallel when
    /// there is enough work: `cost` is the rough work per index (say, values
    /// touched), and ranges are cut no finer than about 16K work each.
    static func forEachRange(_ count: Int, cost: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let total = count * max(cost, 1)
        let pieces = min(count, threadCount * 4, max(1, total / 16_384))
        if pieces <= 1 { body(0..<count); return }
        forEach(pieces) { piece in body((count * piece / pieces)..<(count * (piece + 1) / pieces)) }
    }

    /// `forEach` with at most `threads` threads taking part (for tests and
    /// callers that know their work is small).
    public static func forEach(_ count: Int, threads: Int, _ body: (Int) -> Void) {
        let threads = min(threads, threadCount, count)
        if threads <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        #if os(Linux)
        if let pool = WorkerPool.shared, pool.run(count, threads: threads, body) { return }
        for i in 0..<count { body(i) }
        #else
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
        #endif
    }
}

#if os(Linux)
/// Threads that wait for jobs: they spin for a while after each job, then
/// sleep on a condition variable until the next one is published.
final class WorkerPool: @unchecked Sendable {
    /// One pool for the process, with `Parallel.threadCount − 1` workers (the
    /// caller is the remaining thread).
    static let shared: WorkerPool? = Parallel.threadCount > 1 ? WorkerPool(workers: Parallel.threadCount - 1) : nil

    private let workers: Int
    /// Bumped once per job; workers wait for it to change.
    private let generation = Atomic<Int>(0)
    /// The next item index to hand out.
    private let next = Atomic<Int>(0)
    /// Workers that finished their part of the current job.
    private let finished = Atomic<Int>(0)
    /// Workers asleep (or about to sleep) on the condition variable.
    private let sleepers = Atomic<Int>(0)
    /// Set while a job runs; a second caller runs its work serially.
    private let busy = Atomic<Bool>(false)
    // Job description, written before `generation` is bumped (release) and read after (acquire).
    private var body: ((Int) -> Void)?
    private var count = 0
    private var participants = 0
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    private init(workers: Int) {
        self.workers = workers
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        for index in 0..<workers {
            let thread = Thread { [self] in self.workerLoop(index) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Runs the job with `threads` threads (the caller included); false if the pool is busy.
    func run(_ count: Int, threads: Int, _ body: (Int) -> Void) -> Bool {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        withoutActuallyEscaping(body) { body in
            self.body = body
            self.count = count
            self.participants = min(threads - 1, workers)
            next.store(0, ordering: .relaxed)
            finished.store(0, ordering: .relaxed)
            generation.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(mutex)
                pthread_cond_broadcast(condition)
                pthread_mutex_unlock(mutex)
            }
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                if i >= count { break }
                body(i)
            }
            // Every worker signs off (even those not taking part) before the body goes away.
            var spins = 0
            while finished.load(ordering: .acquiring) < workers {
                spins += 1
                if spins > 4096 { sched_yield() }
            }
            self.body = nil
        }
        busy.store(false, ordering: .releasing)
        return true
    }

    private func workerLoop(_ index: Int) {
        var seen = 0
        while true {
            seen = waitForJob(after: seen)
            if index < participants, let body {
                let count = self.count
                while true {
                    let i = next.add(1, ordering: .relaxed).oldValue
                    if i >= count { break }
                    body(i)
                }
            }
            finished.add(1, ordering: .releasing)
        }
    }

    /// Spins, then yields, then sleeps until `generation` moves past `seen`; returns the new value.
    private func waitForJob(after seen: Int) -> Int {
        for _ in 0..<20_000 {
            let g = generation.load(ordering: .acquiring)
            if g != seen { return g }
        }
        let start = DispatchTime.now().uptimeNanoseconds
        var rounds = 0
        while true {
            let g = generation.load(ordering: .acquiring)
            if g != seen { return g }
            sched_yield()
            rounds += 1
            if rounds % 64 == 0 && DispatchTime.now().uptimeNanoseconds - start > 5_000_000 { break }
        }
        pthread_mutex_lock(mutex)
        sleepers.add(1, ordering: .sequentiallyConsistent)
        var g = generation.load(ordering: .sequentiallyConsistent)
        while g == seen {
            pthread_cond_wait(condition, mutex)
            g = generation.load(ordering: .sequentiallyConsistent)
        }
        sleepers.subtract(1, ordering: .sequentiallyConsistent)
        pthread_mutex_unlock(mutex)
        _ = generation.load(ordering: .acquiring)
        return g
    }
}
#endif
