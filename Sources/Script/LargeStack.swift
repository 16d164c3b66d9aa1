#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Runs work on a thread with a large native stack, so that deep recursion in a
/// program (bounded by the interpreter's own limits) can never overflow it.
///
/// The threads are kept and reused: making one (reserving its stack, giving it a heap arena
/// of its own, unmapping it at the end) cost a few tenths of a millisecond per run, as much
/// as a small cell's whole work, and every REPL cell and notebook cell is a run. A kept
/// thread keeps the stack pages its deepest run touched (bounded by the interpreter's call
/// depth), as a process keeps its heap.
enum LargeStack {
    /// Bytes of stack for the interpreter thread (reserved, committed only as used).
    static let size = 1 << 29

    /// Idle threads kept for the next run; a run that finds none makes one (runs inside
    /// runs, sessions on several threads).
    static let keptIdle = 2

    /// A thread that runs one job at a time, handed over under its condition.
    private final class Worker {
        let condition = NSCondition()
        var job: (() -> Void)?
        var done = false
        var retired = false

        /// The thread's loop: wait for a job, run it, report it done.
        func serve() {
            condition.lock()
            while true {
                while job == nil && !retired { condition.wait() }
                if retired { break }
                do {
                    // The job is released before it is reported done: the caller's closure
                    // must not outlive its call (`withoutActuallyEscaping`).
                    let body = job.unsafelyUnwrapped
                    job = nil
                    condition.unlock()
                    body()
                }
                condition.lock()
                done = true
                condition.broadcast()
            }
            condition.unlock()
        }

        /// Runs `body` on this worker's thread and waits for it.
        func perform(_ body: @escaping () -> Void) {
            condition.lock()
            done = false
            job = body
            condition.broadcast()
            while !done { condition.wait() }
            condition.unlock()
        }

        func retire() {
            condition.lock()
            retired = true
            condition.broadcast()
            condition.unlock()
        }
    }

    private static let poolLock = NSLock()
    private static var idle: [Worker] = []

    /// An idle worker, or a new one; nil when no thread can be made.
    private static func takeWorker() -> Worker? {
        poolLock.lock()
        let kept = idle.popLast()
        poolLock.unlock()
        if let kept { return kept }
        let worker = Worker()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, size)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let context = Unmanaged.passRetained(worker).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let status = pthread_create(&thread, &attributes, { raw in
            Unmanaged<Worker>.fromOpaque(raw!).takeRetainedValue().serve()
            return nil
        }, context)
        if status != 0 {
            Unmanaged<Worker>.fromOpaque(context).release()
            return nil
        }
        return worker
    }

    private static func giveBack(_ worker: Worker) {
        poolLock.lock()
        let keep = idle.count < keptIdle
        if keep { idle.append(worker) }
        poolLock.unlock()
        if !keep { worker.retire() }
    }

    /// Runs `body` on a thread with a large stack and waits for it.
    static func run<T>(_ body: () throws -> T) throws -> T {
        var result: Result<T, Error>?
        withoutActuallyEscaping(body) { escapable in
            guard let worker = takeWorker() else {
                // No thread: run here (the interpreter's limits still apply).
                result = Result { try escapable() }
                return
            }
            worker.perform { result = Result { try escapable() } }
            giveBack(worker)
        }
        guard let result else { throw ScriptError("the interpreter thread did not finish") }
        return try result.get()
    }
}
