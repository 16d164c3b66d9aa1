import Foundation
import Hummingbird
import Serve
#if canImport(Glibc)
import Glibc
#endif

/// A `ModelServer` running for real on a free loopback port, driven over HTTP/1.1 by a small
/// socket client: the routes, status codes and bodies exactly as a client sees them.
struct LiveServer {
    let server: ModelServer

    /// How the tests run it (the only mode there is: a live server).
    enum Mode { case router }

    /// Starts the server, runs `body` with a client for it, then stops the server.
    func test(_ mode: Mode, _ body: (LiveClient) async throws -> Void) async throws {
        signal(SIGPIPE, SIG_IGN)
        let port = try Self.freePort()
        let app = server.application(host: "127.0.0.1", port: port)
        let running = Task { try await app.runService() }
        defer { running.cancel() }
        let client = LiveClient(port: port)
        try client.waitUntilListening()
        try await body(client)
        running.cancel()
        _ = try? await running.value
    }

    /// A port nothing listens on now (bound to port 0, then released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LiveError("socket: errno \(errno)") }
        defer { close(fd) }
        var address = LiveClient.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0 else { throw LiveError("bind: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// An HTTP response as received: the status and the body.
struct LiveResponse {
    let status: HTTPResponse.Status
    let body: ByteBuffer
}

struct LiveError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One request per connection (`Connection: close`), read to the end.
struct LiveClient {
    let port: Int

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// Waits (at most 30 s) until the server accepts connections.
    func waitUntilListening() throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let fd = try? connect() { close(fd); return }
            usleep(20_000)
        }
        throw LiveError("the server did not start listening on port \(port)")
    }

    private func connect() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LiveError("socket: errno \(errno)") }
        var address = Self.loopback(port: port)
        let ok = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else { close(fd); throw LiveError("connect: errno \(errno)") }
        return fd
    }

    /// Sends one request and checks the response with `check`.
    func execute(uri: String, method: HTTPRequest.Method, body: ByteBuffer? = nil,
                 _ check: (LiveResponse) throws -> Void) async throws {
        let fd = try connect()
        defer { close(fd) }
        let payload = body.map { Array($0.readableBytesView) } ?? []
        let head = "\(method.rawValue) \(uri) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(payload.count)\r\nConnection: close\r\n\r\n"
        // The server may answer and close before reading all of a body it refuses: a failed
        // send is not the test's concern, the response is.
        _ = sendAll(fd, Array(head.utf8) + payload)
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            received += chunk[0..<n]
        }
        try check(try Self.parse(received))
    }

    private func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    /// The status line, headers and body (plain or chunked) of a response.
    static func parse(_ bytes: [UInt8]) throws -> LiveResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0...max(0, bytes.count - 4)).first(where: { Array(bytes[$0..<min(bytes.count, $0 + 4)]) == separator }) else {
            throw LiveError("no complete response (\(bytes.count) bytes)")
        }
        let head = String(decoding: bytes[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let code = Int(statusParts[1]) else { throw LiveError("bad status line: \(head[0])") }
        var body = Array(bytes[(end + 4)...])
        if head.dropFirst().contains(where: { $0.lowercased() == "transfer-encoding: chunked" }) {
            var decoded: [UInt8] = [], i = 0
            while i < body.count {
                guard let lineEnd = (i..<(body.count - 1)).first(where: { body[$0] == 13 && body[$0 + 1] == 10 }),
                      let size = Int(String(decoding: body[i..<lineEnd], as: UTF8.self), radix: 16) else { break }
                if size == 0 { break }
                decoded += body[(lineEnd + 2)..<min(body.count, lineEnd + 2 + size)]
                i = lineEnd + 2 + size + 2
            }
            body = decoded
        }
        return LiveResponse(status: HTTPResponse.Status(code: code), body: ByteBuffer(bytes: body))
    }
}
