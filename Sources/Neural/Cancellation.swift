import Foundation

/// A flag a caller (the REPL's Ctrl-C) trips to stop training between batches.
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    /// Asks the training loop to stop before its next batch.
    public func cancel() {
        lock.lock(); cancelled = true; lock.unlock()
    }

    /// Clears the flag for the next run.
    public func reset() {
        lock.lock(); cancelled = false; lock.unlock()
    }

    /// True once `cancel()` has been called.
    public var isCancelled: Bool {
        lock.lock(); defer { lock.unlock() }
        return cancelled
    }
}
