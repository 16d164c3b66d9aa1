import Foundation

/// Work split over the cores. The thread count comes from `AINB_THREADS`
/// (default: every core the machine has).
public enum Parallel {
    /// How many threads kernels use.
    public static let threadCount: Int = {
        if let text = ProcessInfo.processInfo.environment["AINB_THREADS"], let n = Int(text), n > 0 { return n }
        return ProcessInfo.processInfo.activeProcessorCount
    }()

    /// Runs `body(i)` for i in 0..<count, spread over the threads; returns when all are done.
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 || threadCount <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }
}
