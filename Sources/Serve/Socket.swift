#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// The POSIX socket calls the HTTP server makes, written once for Linux and macOS: a listening
/// TCP socket, waiting with a deadline, reading, writing without SIGPIPE, closing.
enum Socket {
    #if canImport(Glibc)
    private static let stream = Int32(SOCK_STREAM.rawValue)
    private static let noSignal = Int32(MSG_NOSIGNAL)
    #else
    private static let stream = SOCK_STREAM
    private static let noSignal: Int32 = 0  // SO_NOSIGPIPE is set on each socket instead
    #endif

    /// A socket listening on `host:port` (an IPv4 address or `localhost`; port 0 picks a free
    /// port), with the port it got.
    static func listener(host: String, port: Int, backlog: Int32 = 128) throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, stream, 0)
        guard fd >= 0 else { throw ServingError(status: 500, message: "cannot create a socket: \(reason())") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        let numeric = host == "localhost" ? "127.0.0.1" : host
        guard (0...65535).contains(port), inet_pton(AF_INET, numeric, &address.sin_addr) == 1 else {
            release(fd)
            throw ServingError(status: 500, message: "cannot listen on \(host):\(port): the host must be an IPv4 address such as 127.0.0.1 or 0.0.0.0, the port 0–65535")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, backlog) == 0 else {
            let why = reason()
            release(fd)
            throw ServingError(status: 500, message: "cannot listen on \(host):\(port): \(why)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: actual.sin_port)))
    }

    /// A new connection on `listener`, blocking, without Nagle's delay, its writes bounded by
    /// `sendTimeout` seconds; -1 when none could be taken (errno says why).
    static func acceptPeer(_ listener: Int32, sendTimeout: Double) -> Int32 {
        let fd = accept(listener, nil, nil)
        guard fd >= 0 else { return -1 }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        var yes: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
        #if !canImport(Glibc)
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size))
        #endif
        var timeout = timeval()
        timeout.tv_sec = .init(sendTimeout.rounded(.down))
        timeout.tv_usec = .init((sendTimeout - sendTimeout.rounded(.down)) * 1e6)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// What `wait` saw.
    enum Readiness { case readable, woken, timedOut }

    /// Waits until `fd` has bytes (or was closed by its peer), `wake` is readable, or
    /// `seconds` pass (never, if nil). `fd` wins over `wake` when both are ready.
    static func wait(_ fd: Int32, wake: Int32?, seconds: Double?) -> Readiness {
        let deadline = seconds.map { now() + UInt64(max(0, $0) * 1e9) }
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        if let wake { fds.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
        while true {
            // Rounded up to whole milliseconds, so that a wait never spins short of its deadline.
            let left = deadline.map { $0 > now() ? $0 - now() : 0 }
            let ready = poll(&fds, nfds_t(fds.count), left.map { Int32(clamping: ($0 + 999_999) / 1_000_000) } ?? -1)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { return .woken }
            if fds[0].revents != 0 { return .readable }
            if fds.count > 1, fds[1].revents != 0 { return .woken }
            if let deadline, now() >= deadline { return .timedOut }
        }
    }

    /// Appends what `fd` has next to `buffer`, through `scratch`; false at the end of the
    /// stream (or a reset). Throws `timedOut` when nothing comes before `deadline` (a
    /// monotonic time in nanoseconds, as `now()`).
    static func receive(_ fd: Int32, into buffer: inout [UInt8], scratch: inout [UInt8], deadline: UInt64) throws -> Bool {
        while true {
            let left = deadline > now() ? deadline - now() : 0
            guard left > 0, wait(fd, wake: nil, seconds: Double(left) / 1e9) == .readable else {
                throw HTTPRequestReader.StreamError.timedOut
            }
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                buffer.append(contentsOf: scratch[0..<n])
                return true
            }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            return false
        }
    }

    /// Sends every byte; false if the peer is gone or did not take them in time.
    @discardableResult
    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        return bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return true }
            while sent < raw.count {
                let n = send(fd, base + sent, raw.count - sent, noSignal)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                sent += n
            }
            return true
        }
    }

    /// Closes after an answer sent before the request was read to its end: stops writing,
    /// then reads and drops what the client still sends (for at most `seconds`), so that the
    /// close does not reset the connection and destroy the answer before the client reads it.
    static func closeAfterRefusal(_ fd: Int32, seconds: Double) {
        shutdown(fd, Int32(SHUT_WR))
        var scratch = [UInt8](repeating: 0, count: 65_536)
        // What has already arrived goes at once; then wait for the rest, if time is given.
        for _ in 0..<64 {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n <= 0 { break }
        }
        let deadline = now() + UInt64(seconds * 1e9)
        while now() < deadline, wait(fd, wake: nil, seconds: Double(deadline - now()) / 1e9) == .readable {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 || (n < 0 && errno != EINTR) { break }
        }
        release(fd)
    }

    /// Closes a descriptor.
    static func release(_ fd: Int32) { _ = close(fd) }

    /// A pipe whose write end never blocks: writing a byte wakes whoever polls the read end.
    static func wakePipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw ServingError(status: 500, message: "cannot create a pipe: \(reason())") }
        let flags = fcntl(ends[1], F_GETFL)
        _ = fcntl(ends[1], F_SETFL, flags | O_NONBLOCK)
        return (ends[0], ends[1])
    }

    /// Writes one byte to `fd` (async-signal-safe).
    static func poke(_ fd: Int32) {
        var byte: UInt8 = 1
        _ = write(fd, &byte, 1)
    }

    /// A monotonic time in nanoseconds.
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// The text of `errno`.
    static func reason() -> String { String(cString: strerror(errno)) }
}
