#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value set for the duration of a call on one thread: the interpreter's context that
/// code without the runtime at hand (operators on values) still needs, such as the running
/// session's limits.
final class ThreadLocal<T>: @unchecked Sendable {
    private final class Box {
        let value: T
        init(_ value: T) { self.value = value }
    }

    private let key: pthread_key_t

    init() {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        self.key = key
    }

    /// The value set on this thread by the innermost `with`, or nil.
    var value: T? {
        guard let p = pthread_getspecific(key) else { return nil }
        return Unmanaged<Box>.fromOpaque(p).takeUnretainedValue().value
    }

    /// Runs `body` with `value` set on this thread, then restores what was set before.
    func with<R>(_ value: T, _ body: () throws -> R) rethrows -> R {
        let box = Box(value)
        let previous = pthread_getspecific(key)
        pthread_setspecific(key, Unmanaged.passUnretained(box).toOpaque())
        defer {
            pthread_setspecific(key, previous)
            withExtendedLifetime(box) {}
        }
        return try body()
    }
}
