#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value set for the duration of a call on one thread: the running runtime, for code
/// without it at hand (operators on values read its limits and grad seed).
final class ThreadLocal<T>: @unchecked Sendable {
    private final class Box {
        let value: T
        init(_ value: T) { self.value = value }
    }

    private let key: pthread_key_t

    init() {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)   // `with` always restores, so nothing is left to free
        self.key = key
    }

    /// The value set on this thread by the innermost `with`, or nil.
    var value: T? {
        guard let p = pthread_getspecific(key) else { return nil }
        return Unmanaged<Box>.fromOpaque(p).takeUnretainedValue().value
    }

    /// Runs `body` with `value` set on this thread, then restores what was set before.
    func with<R>(_ value: T, _ body: () throws -> R) rethrows -> R {
        let previous = pthread_getspecific(key)
        let mine = Unmanaged.passRetained(Box(value)).toOpaque()
        pthread_setspecific(key, mine)
        defer {
            pthread_setspecific(key, previous)
            Unmanaged<Box>.fromOpaque(mine).release()
        }
        return try body()
    }
}
