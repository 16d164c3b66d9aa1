#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Bound ZMTP sockets over POSIX TCP, served by one `poll` loop: the ROUTER, PUB and REP
/// sides Jupyter's kernel needs, without libzmq.
///
/// Each bound socket accepts any number of peers. A complete message from a peer goes to
/// `onMessage` with the peer's connection id (a ROUTER's routing id, so replies go back to
/// the same peer). `send` and `publish` may be called from any thread.
public final class ZMTPHub: @unchecked Sendable {
    /// A peer connection.
    final class Connection {
        enum State { case greeting, handshake, ready }
        let fd: Int32
        let socket: Int
        var state = State.greeting
        var input: [UInt8] = []
        var parts: [[UInt8]] = []
        let writeLock = NSLock()
        var closed = false

        init(fd: Int32, socket: Int) {
            self.fd = fd
            self.socket = socket
        }
    }

    /// A bound socket.
    struct Listener {
        let fd: Int32
        let type: ZMTP.SocketType
        let port: Int
    }

    private var listeners: [Listener] = []
    private var connections: [Int32: Connection] = [:]
    private let lock = NSLock()
    /// Called on the loop's thread with the socket index, the peer's connection id and the
    /// message's frames.
    public var onMessage: (_ socket: Int, _ connection: Int32, _ parts: [[UInt8]]) -> Void = { _, _, _ in }
    /// Called on the loop's thread for protocol errors and dropped peers.
    public var log: (String) -> Void = { _ in }

    public init() {}

    deinit {
        for listener in listeners { close(listener.fd) }
        for connection in connections.values { close(connection.fd) }
    }

    /// Binds a socket of `type` on `host:port` (port 0: any free port); returns its index
    /// and the port bound.
    public func bind(host: String, port: Int, type: ZMTP.SocketType) throws -> (socket: Int, port: Int) {
        #if canImport(Glibc)
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw ZMTPError("cannot create a socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let host = host == "*" || host.isEmpty ? "0.0.0.0" : (host == "localhost" ? "127.0.0.1" : host)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw ZMTPError("cannot bind to '\(host)': only IPv4 addresses are supported")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ZMTPError("cannot listen on \(host):\(port): \(reason)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let listener = Listener(fd: fd, type: type, port: Int(UInt16(bigEndian: actual.sin_port)))
        lock.lock()
        listeners.append(listener)
        lock.unlock()
        return (listeners.count - 1, listener.port)
    }

    /// Waits up to `timeout` milliseconds for activity and handles it: new peers,
    /// greetings and handshakes, messages. Returns early on a signal.
    public func poll(timeout: Int32) {
        lock.lock()
        var fds = listeners.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        let peers = Array(connections.values)
        lock.unlock()
        fds += peers.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        let ready = Glibc.poll(&fds, nfds_t(fds.count), timeout)
        guard ready > 0 else { return }
        for (i, entry) in fds.enumerated() where entry.revents != 0 {
            if i < listeners.count {
                accept(listener: i)
            } else {
                read(peers[i - listeners.count])
            }
        }
    }

    private func accept(listener index: Int) {
        let fd = Glibc.accept(listeners[index].fd, nil, nil)
        guard fd >= 0 else { return }
        var yes: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
        let connection = Connection(fd: fd, socket: index)
        lock.lock()
        connections[fd] = connection
        lock.unlock()
        if !write(connection, ZMTP.greeting) { drop(connection, "cannot send the greeting") }
    }

    private func read(_ connection: Connection) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, $0.count, 0) }
        if n < 0 && errno == EINTR { return }
        guard n > 0 else {
            drop(connection, nil)
            return
        }
        connection.input += buffer[0..<n]
        do {
            try process(connection)
        } catch {
            drop(connection, "\(error)")
        }
    }

    /// Consumes what `connection` has received: the greeting, READY, then messages.
    private func process(_ connection: Connection) throws {
        let type = listeners[connection.socket].type
        if connection.state == .greeting {
            guard connection.input.count >= 64 else {
                // A peer that is not ZMTP shows it in the first byte.
                if let first = connection.input.first, first != 0xFF { throw ZMTPError("not a ZMTP peer") }
                return
            }
            try ZMTP.checkGreeting(Array(connection.input[0..<64]))
            connection.input.removeFirst(64)
            connection.state = .handshake
            guard write(connection, ZMTP.ready(type).encoded) else { throw ZMTPError("cannot send READY") }
        }
        var offset = 0
        defer { if offset > 0 { connection.input.removeFirst(offset) } }
        while let (frame, used) = try ZMTP.Frame.decode(connection.input[offset...]) {
            offset += used
            if frame.isCommand {
                let (name, data) = try ZMTP.parseCommand(frame)
                if name == "READY" {
                    let properties = try ZMTP.readyProperties(data)
                    let peer = properties["Socket-Type"].flatMap { ZMTP.SocketType(rawValue: String(decoding: $0, as: UTF8.self)) }
                    guard let peer, ZMTP.compatible(type, peer) else {
                        throw ZMTPError("a \(type.rawValue) socket cannot talk to a peer of type \(properties["Socket-Type"].map { String(decoding: $0, as: UTF8.self) } ?? "unknown")")
                    }
                    connection.state = .ready
                } else if name == "PING", data.count >= 2 {
                    _ = write(connection, ZMTP.command("PONG", data: Array(data.dropFirst(2))).encoded)
                }
                // SUBSCRIBE, CANCEL and others: a PUB here sends every message to every peer.
                continue
            }
            guard connection.state == .ready else { throw ZMTPError("message before the handshake") }
            connection.parts.append(frame.body)
            if !frame.more {
                let parts = connection.parts
                connection.parts = []
                onMessage(connection.socket, connection.fd, parts)
            }
        }
    }

    private func drop(_ connection: Connection, _ reason: String?) {
        if let reason { log("dropping a peer: \(reason)") }
        lock.lock()
        connections[connection.fd] = nil
        lock.unlock()
        connection.writeLock.lock()
        connection.closed = true
        close(connection.fd)
        connection.writeLock.unlock()
    }

    @discardableResult
    private func write(_ connection: Connection, _ bytes: [UInt8]) -> Bool {
        connection.writeLock.lock()
        defer { connection.writeLock.unlock() }
        guard !connection.closed else { return false }
        var sent = 0
        return bytes.withUnsafeBytes { raw in
            while sent < raw.count {
                let n = Glibc.send(connection.fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                sent += n
            }
            return true
        }
    }

    /// Sends a message to one peer (a ROUTER's reply, a REP's answer).
    public func send(_ parts: [[UInt8]], to connection: Int32) {
        lock.lock()
        let peer = connections[connection]
        lock.unlock()
        if let peer, peer.state == .ready { write(peer, ZMTP.frames(parts)) }
    }

    /// Sends a message to every peer of a socket that finished its handshake (a PUB).
    public func publish(_ parts: [[UInt8]], socket: Int) {
        lock.lock()
        let peers = connections.values.filter { $0.socket == socket && $0.state == .ready }
        lock.unlock()
        let bytes = ZMTP.frames(parts)
        for peer in peers { write(peer, bytes) }
    }

    /// The number of peers of `socket` that finished their handshake.
    public func peerCount(socket: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return connections.values.filter { $0.socket == socket && $0.state == .ready }.count
    }
}
