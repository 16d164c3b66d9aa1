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

    /// True while other programs compete for the cores: parallel jobs keep waiting
    /// for a worker far longer than their items take (the worker was descheduled in
    /// the middle of one), some four times a second or more. Kernels then keep small
    /// work on the calling thread.
    public static var isContended: Bool {
        #if os(Linux)
        return WorkerPool.stalledRecently
        #else
        return false
        #endif
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
///
/// A caller never waits for a worker that has not started: it runs items
/// itself until none are left, closes the job, and waits only for workers
/// inside it. A worker joins by counting itself in `active` and then checking
/// that the job it saw is still open (both sequentially consistent, so either
/// the caller sees the worker or the worker sees the job closed).
final class WorkerPool: @unchecked Sendable {
    /// One pool for the process, with `Parallel.threadCount − 1` workers (the
    /// caller is the remaining thread).
    static let shared: WorkerPool? = Parallel.threadCount > 1 ? WorkerPool(workers: Parallel.threadCount - 1) : nil

    private let workers: Int

    /// Waits for a worker this much past four of the caller's items count as a stall.
    private static let stallSlack: UInt64 = 500_000
    /// Recent stalls, each counting 1 and halving every half second (a Double's bits),
    /// as of `stallTime` (uptime, ns). Written by the pool's caller, one at a time;
    /// read by any thread.
    private static let stallScore = Atomic<Int>(0)
    private static let stallTime = Atomic<Int>(0)

    /// The stall score now: at a steady r stalls a second it settles near 0.72 r.
    private static func stallScore(at now: UInt64) -> Double {
        let score = Double(bitPattern: UInt64(bitPattern: Int64(stallScore.load(ordering: .relaxed))))
        let age = Double(Int(now) - stallTime.load(ordering: .relaxed)) / 1e9
        return score * exp2(-2 * max(age, 0))
    }

    /// Stalls at four or more a second: another program is holding a core. (One
    /// stall now and then is a passing hiccup, say a shell command; a program that
    /// competes for a core stalls many jobs a second.)
    static var stalledRecently: Bool {
        // The stored score only decays: below the threshold, no need to read the clock.
        guard stallScore.load(ordering: .relaxed) >= Int(Int64(bitPattern: Double(3).bitPattern)) else { return false }
        return stallScore(at: DispatchTime.now().uptimeNanoseconds) >= 3
    }

    private static func noteStall(at now: UInt64) {
        let score = stallScore(at: now) + 1
        stallTime.store(Int(now), ordering: .relaxed)
        stallScore.store(Int(Int64(bitPattern: score.bitPattern)), ordering: .relaxed)
    }

    /// Bumped once per job; workers wait for it to change.
    private let generation = Atomic<Int>(0)
    /// True from a job's publication until its caller has taken the last item.
    private let open = Atomic<Bool>(false)
    /// Workers inside the current job.
    private let active = Atomic<Int>(0)
    /// The next item index to hand out.
    private let next = Atomic<Int>(0)
    /// How many workers may take part in the current job.
    private let participants = Atomic<Int>(0)
    /// Workers asleep (or about to sleep) on the condition variable.
    private let sleepers = Atomic<Int>(0)
    /// Set while a job runs; a second caller runs its work serially.
    private let busy = Atomic<Bool>(false)
    // Job description, written before the job opens and read only by workers that joined it.
    private var body: ((Int) -> Void)?
    private var count = 0
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
            participants.store(min(threads - 1, workers), ordering: .relaxed)
            next.store(0, ordering: .relaxed)
            open.store(true, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(mutex)
                pthread_cond_broadcast(condition)
                pthread_mutex_unlock(mutex)
            }
            let started = DispatchTime.now().uptimeNanoseconds
            var own = 0
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                if i >= count { break }
                body(i)
                own += 1
            }
            // Every item is taken; wait only for workers still running one.
            open.store(false, ordering: .sequentiallyConsistent)
            if active.load(ordering: .sequentiallyConsistent) > 0 {
                let finished = DispatchTime.now().uptimeNanoseconds
                var spins = 0
                while active.load(ordering: .sequentiallyConsistent) > 0 {
                    spins += 1
                    if spins > 2048 { sched_yield() }
                }
                // A wait much longer than an item takes here means the worker lost its core.
                let now = DispatchTime.now().uptimeNanoseconds
                if own > 0 && now - finished > 4 * (finished - started) / UInt64(own) + Self.stallSlack {
                    Self.noteStall(at: now)
                }
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
            guard index < participants.load(ordering: .relaxed) else { continue }
            active.add(1, ordering: .sequentiallyConsistent)
            if open.load(ordering: .sequentiallyConsistent) && generation.load(ordering: .sequentiallyConsistent) == seen,
               let body {
                let count = self.count
                while true {
                    let i = next.add(1, ordering: .relaxed).oldValue
                    if i >= count { break }
                    body(i)
                }
            }
            active.subtract(1, ordering: .sequentiallyConsistent)
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
            if rounds % 64 == 0 && DispatchTime.now().uptimeNanoseconds - start > 2_000_000 { break }
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
