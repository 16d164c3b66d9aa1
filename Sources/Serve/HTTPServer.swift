#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A small HTTP/1.1 server on POSIX sockets: one thread per connection, up to a cap.
///
/// Each connection reads requests with `HTTPRequestReader` and answers them in order with
/// `handler`, keeping the connection open as HTTP/1.1 says (HTTP/1.0 closes unless asked).
/// A request must arrive whole within `requestTimeout` of its first byte and a kept-open
/// connection may wait `idleTimeout` for its next request, so a slow or silent client cannot
/// hold a thread. A refused request gets `{"error": ...}` with its status, then the connection
/// closes. `stop()` (or a signal given to `stopOnSignals`) stops accepting; requests in flight
/// finish, idle connections close, and `run()` returns.
public final class HTTPServer: @unchecked Sendable {
    /// The server's limits and timeouts.
    public struct Configuration: Sendable {
        /// The largest request line, header block and body.
        public var limits = HTTPRequestReader.Limits()
        /// The most connections open at once; one more gets a 503 and is closed.
        public var maxConnections = 256
        /// Seconds a connection may wait for its next request before it is closed.
        public var idleTimeout = 30.0
        /// Seconds a request may take to arrive, from its first byte to the end of its body
        /// (then 408); also the longest a client may take to read an answer.
        public var requestTimeout = 60.0

        public init(limits: HTTPRequestReader.Limits = .init(), maxConnections: Int = 256, idleTimeout: Double = 30, requestTimeout: Double = 60) {
            self.limits = limits
            self.maxConnections = maxConnections
            self.idleTimeout = idleTimeout
            self.requestTimeout = requestTimeout
        }
    }

    /// How much a log line matters.
    public enum LogLevel: Int, Comparable, Sendable {
        case debug, info, warning, error
        public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
    }

    /// Answers one request (called on the connection's thread).
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    /// The port listened on (the one the system picked when 0 was asked).
    public let port: Int
    public let configuration: Configuration
    /// Where the server says what happens: each request at `.debug`, refused connections at
    /// `.warning`. Set it before `run()`.
    public var log: @Sendable (LogLevel, String) -> Void = { _, _ in }

    private let handler: Handler
    private let listener: Int32
    private let wake: (read: Int32, write: Int32)
    private let state = NSCondition()
    private var open = 0
    private var stopping = false
    private var listening = true
    /// How long a refused connection is drained before it closes, in seconds.
    private let lingerSeconds = 5.0

    /// Binds `host:port` (port 0: any free port, then read `port`) and listens; `run()` serves.
    public init(host: String, port: Int, configuration: Configuration = Configuration(), handler: @escaping Handler) throws {
        let (fd, bound) = try Socket.listener(host: host, port: port)
        do { wake = try Socket.wakePipe() } catch {
            Socket.release(fd)
            throw error
        }
        listener = fd
        self.port = bound
        self.configuration = configuration
        self.handler = handler
    }

    deinit {
        if listening { Socket.release(listener) }
        Socket.release(wake.read)
        Socket.release(wake.write)
    }

    /// Accepts and serves connections until `stop()`, then waits for the requests in flight.
    public func run() {
        // Until woken: a stop outranks connections still waiting to be accepted.
        while Socket.wait(listener, wake: wake.read, seconds: nil) == .readable, Socket.wait(wake.read, wake: nil, seconds: 0) != .readable {
            let fd = Socket.acceptPeer(listener, sendTimeout: configuration.requestTimeout)
            if fd < 0 {
                // Out of descriptors: wait a little rather than spin.
                if errno == EMFILE || errno == ENFILE {
                    log(.warning, "cannot accept a connection: \(Socket.reason())")
                    usleep(50_000)
                }
                continue
            }
            let admitted: Bool = state.withLock {
                guard open < configuration.maxConnections else { return false }
                open += 1
                return true
            }
            guard admitted else {
                log(.warning, "refused a connection: \(configuration.maxConnections) are open")
                // Answered from this thread, so without waiting for the client's request.
                refuse(fd, ServingError(status: 503, message: "the server has \(configuration.maxConnections) connections open; try again"), linger: 0)
                continue
            }
            let thread = Thread { [self] in
                serve(fd)
                state.withLock {
                    open -= 1
                    state.broadcast()
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        state.withLock {
            Socket.release(listener)
            listening = false
            stopping = true
            while open > 0 { state.wait() }
        }
    }

    /// Stops accepting connections; `run()` returns once the requests in flight are answered.
    /// Safe from any thread.
    public func stop() {
        state.withLock { stopping = true }
        Socket.poke(wake.write)
    }

    /// Makes the signals `signals` (say SIGINT and SIGTERM) call `stop()`. One server per
    /// process can own them.
    public func stopOnSignals(_ signals: [Int32]) {
        signalWake = wake.write
        for s in signals { signal(s, stopOnSignal) }
    }

    private var isStopping: Bool { state.withLock { stopping } }

    // MARK: - One connection

    /// Serves the requests of one connection, in order, until it closes.
    private func serve(_ fd: Int32) {
        var deadline: UInt64 = 0
        var scratch = [UInt8](repeating: 0, count: 65_536)
        var reader = HTTPRequestReader(limits: configuration.limits) { buffer in
            try Socket.receive(fd, into: &buffer, scratch: &scratch, deadline: deadline)
        }
        while true {
            if !reader.hasBufferedBytes {
                // Stopping or idle too long: close between requests.
                guard Socket.wait(fd, wake: wake.read, seconds: configuration.idleTimeout) == .readable else { break }
            }
            deadline = Socket.now() + UInt64(configuration.requestTimeout * 1e9)
            let start = Socket.now()
            do {
                guard let head = try reader.readHead() else { break }
                if case .length(let n) = head.framing, n > configuration.limits.body {
                    return refuse(fd, HTTPRequestReader.tooLarge(n, configuration.limits.body))
                }
                if let expect = head.headers["Expect"] {
                    guard expect.lowercased() == "100-continue" else {
                        return refuse(fd, ServingError(status: 417, message: "Expect: \(expect) is not supported; only 100-continue"))
                    }
                    if head.version == .http11, head.framing != .length(0) {
                        guard Socket.sendAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { break }
                    }
                }
                let body = try reader.readBody(head)
                let request = HTTPRequest(method: head.method, target: head.target, version: head.version, headers: head.headers, body: body)
                let response = handler(request)
                let keepAlive = request.keepsAlive && !isStopping
                let bytes = response.serialized(version: head.version, keepAlive: keepAlive, date: HTTPResponse.dateNow(), includeBody: head.method != "HEAD")
                let sent = Socket.sendAll(fd, bytes)
                log(.debug, "\(head.method) \(head.target) \(response.status) \(String(format: "%.1f", Double(Socket.now() - start) / 1e6)) ms")
                if !sent || !keepAlive { break }
            } catch let error as ServingError {
                return refuse(fd, error)
            } catch HTTPRequestReader.StreamError.timedOut {
                return refuse(fd, ServingError(status: 408, message: "the request did not arrive within \(configuration.requestTimeout) s"))
            } catch {
                break  // the client closed in the middle of a request: nobody to answer
            }
        }
        Socket.release(fd)
    }

    /// Answers `error` and closes the connection.
    private func refuse(_ fd: Int32, _ error: ServingError, linger: Double? = nil) {
        log(.debug, "refused: \(error.status) \(error.message)")
        Socket.sendAll(fd, HTTPResponse.error(error).serialized(keepAlive: false, date: HTTPResponse.dateNow()))
        Socket.closeAfterRefusal(fd, seconds: linger ?? lingerSeconds)
    }
}

/// The write end of the wake pipe of the server that owns the stop signals.
private nonisolated(unsafe) var signalWake: Int32 = -1

/// The signal handler: one async-signal-safe write that wakes the server.
private func stopOnSignal(_: Int32) {
    if signalWake >= 0 { Socket.poke(signalWake) }
}
