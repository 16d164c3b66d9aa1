#if os(Linux)
import Glibc
#else
import Darwin
#endif

/// Reusable float buffers for packing and unfolding, so hot loops do not
/// allocate: a buffer is taken for the duration of a closure and then goes
/// back to the pool (thread-safe; each concurrent user gets its own buffer).
enum Scratch {
    private final class Pool: @unchecked Sendable {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        var free: [(pointer: UnsafeMutablePointer<Float>, capacity: Int)] = []
        init() { pthread_mutex_init(lock, nil) }
    }

    private static let pool = Pool()
    /// Buffers above this size are freed after use rather than kept.
    private static let keepLimit = 64 << 20

    /// Runs `body` with a buffer of at least `count` floats (contents undefined).
    static func with<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let buffer = take(max(count, 16))
        defer { give(buffer) }
        return try body(buffer.pointer)
    }

    private static func take(_ count: Int) -> (pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        pthread_mutex_lock(pool.lock)
        // The smallest free buffer that fits, else the largest one grown.
        var best = -1
        for (i, b) in pool.free.enumerated() where b.capacity >= count {
            if best < 0 || b.capacity < pool.free[best].capacity { best = i }
        }
        if best >= 0 {
            let b = pool.free.remove(at: best)
            pthread_mutex_unlock(pool.lock)
            return b
        }
        pthread_mutex_unlock(pool.lock)
        let capacity = max(count, 4096)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: capacity * 4, alignment: 64)
        return (raw.bindMemory(to: Float.self, capacity: capacity), capacity)
    }

    private static func give(_ buffer: (pointer: UnsafeMutablePointer<Float>, capacity: Int)) {
        if buffer.capacity * 4 > keepLimit {
            UnsafeMutableRawPointer(buffer.pointer).deallocate()
            return
        }
        pthread_mutex_lock(pool.lock)
        pool.free.append(buffer)
        // Keep the pool small: drop the smallest buffer when there are many.
        if pool.free.count > 8, let i = pool.free.indices.min(by: { pool.free[$0].capacity < pool.free[$1].capacity }) {
            let b = pool.free.remove(at: i)
            UnsafeMutableRawPointer(b.pointer).deallocate()
        }
        pthread_mutex_unlock(pool.lock)
    }
}
