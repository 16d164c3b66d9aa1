#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs work on a thread with a large native stack, so that deep recursion in a
/// program (bounded by the interpreter's own limits) can never overflow it.
enum LargeStack {
    /// Bytes of stack for the interpreter thread (reserved, committed only as used).
    static let size = 1 << 29

    private final class Job {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Runs `body` on a fresh thread with a large stack and waits for it.
    static func run<T>(_ body: () throws -> T) throws -> T {
        var result: Result<T, Error>?
        try withoutActuallyEscaping(body) { escapable in
            let job = Job { result = Result { try escapable() } }
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            defer { pthread_attr_destroy(&attributes) }
            pthread_attr_setstacksize(&attributes, size)
            let context = Unmanaged.passRetained(job).toOpaque()
            #if canImport(Glibc)
            var thread = pthread_t()
            #else
            var thread: pthread_t?
            #endif
            let status = pthread_create(&thread, &attributes, { raw in
                let job = Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue()
                job.body()
                return nil
            }, context)
            if status != 0 {
                // No thread: run here (the interpreter's limits still apply).
                Unmanaged<Job>.fromOpaque(context).release()
                result = Result { try escapable() }
                return
            }
            #if canImport(Glibc)
            pthread_join(thread, nil)
            #else
            if let thread { pthread_join(thread, nil) }
            #endif
        }
        guard let result else { throw ScriptError("the interpreter thread did not finish") }
        return try result.get()
    }
}
