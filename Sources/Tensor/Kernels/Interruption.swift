import Foundation

/// A request to stop long tensor work early, so that Ctrl-C at the REPL stops `a @ a` on a
/// large matrix, or a convolution, within one block of work instead of at its end.
///
/// Whoever runs code sets the request (the language's session, on Ctrl-C); the GEMM and
/// convolution kernels look at it between blocks and skip the rest, and the op that ran
/// them throws `TensorError.cancelled`, so an unfinished result is never returned. The
/// request is process-wide: it stops whatever tensor work is running until it is cleared.
public enum Interruption {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var requested = false

    /// Asks running and upcoming tensor work to stop.
    public static func request() { set(true) }

    /// Withdraws the request (when the code that was asked to stop has stopped).
    public static func clear() { set(false) }

    /// Whether a stop was requested.
    public static var isRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return requested
    }

    /// Throws `TensorError.cancelled` when a stop was requested: called after a kernel
    /// that may have skipped work, so its partial result is discarded.
    public static func check() throws {
        if isRequested { throw TensorError.cancelled }
    }

    private static func set(_ value: Bool) {
        lock.lock()
        requested = value
        lock.unlock()
    }
}
