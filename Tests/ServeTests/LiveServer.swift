import Dispatch
import Foundation
import Serve
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An `HTTPServer` running for real on a free loopback port while a test talks to it over
/// sockets: requests, status codes, headers and bodies exactly as a client sees them.
struct LiveServer {
    let http: HTTPServer

    /// The model API on a live server.
    init(_ server: ModelServer, configuration: HTTPServer.Configuration = .init()) throws {
        http = try server.httpServer(host: "127.0.0.1", port: 0, configuration: configuration)
    }

    /// Any handler on a live server.
    init(configuration: HTTPServer.Configuration = .init(), handler: @escaping HTTPServer.Handler) throws {
        http = try HTTPServer(host: "127.0.0.1", port: 0, configuration: configuration, handler: handler)
    }

    /// Runs the server, runs `body` with a client for it, then stops the server and checks
    /// that `run()` returned.
    func test(_ body: (LiveClient) throws -> Void) throws {
        let finished = DispatchSemaphore(value: 0)
        let http = self.http
        Thread { http.run(); finished.signal() }.start()
        defer {
            http.stop()
            XCTAssertEqual(finished.wait(timeout: .now() + 30), .success, "the server did not stop")
        }
        try body(LiveClient(port: http.port))
    }
}

/// An HTTP response as received.
struct LiveResponse {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

struct LiveError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Opens connections to a live server.
struct LiveClient {
    let port: Int

    /// A new connection.
    func connect() throws -> LiveConnection { try LiveConnection(port: port) }

    /// One request on its own connection (`Connection: close`), its response checked by `check`.
    func execute(uri: String, method: String, body: [UInt8]? = nil, _ check: (LiveResponse) throws -> Void) throws {
        let connection = try connect()
        let payload = body ?? []
        let head = "\(method) \(uri) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(payload.count)\r\nConnection: close\r\n\r\n"
        // The server may answer and close before reading all of a body it refuses: a failed
        // send is not the test's concern, the response is.
        _ = connection.send(Array(head.utf8) + payload)
        try check(try connection.readResponse())
    }
}

/// One client connection: send bytes, read responses one at a time (so keep-alive and
/// pipelining can be checked). Reads give up after 10 s so that a test cannot hang. One
/// thread may send while another reads; reads belong to one thread.
final class LiveConnection: @unchecked Sendable {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        #if canImport(Glibc)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw LiveError("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else {
            let code = errno
            close(fd)
            throw LiveError("connect: errno \(code)")
        }
        #if !canImport(Glibc)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size))
        #endif
        var timeout = timeval()
        timeout.tv_sec = 10
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Sends text; false if the server had closed.
    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Sends bytes; false if the server had closed.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            #if canImport(Glibc)
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            #else
            let n = bytes.withUnsafeBytes { Darwin.send(fd, $0.baseAddress! + sent, bytes.count - sent, 0) }
            #endif
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    /// Reads more bytes; false at the end of the stream (or a reset).
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 {
            buffer += chunk[0..<n]
            return true
        }
        if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw LiveError("no answer within 10 s") }
        return false
    }

    /// The next response: its head, then a body of `Content-Length` bytes (none when
    /// `withBody` is false, as for HEAD), or up to the close when there is no length.
    func readResponse(withBody: Bool = true) throws -> LiveResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        var end: Int?
        while end == nil {
            end = buffer.count < 4 ? nil : (0...(buffer.count - 4)).first { Array(buffer[$0..<($0 + 4)]) == separator }
            if end == nil, try !fill() { throw LiveError("no complete response (\(buffer.count) bytes: \(String(decoding: buffer, as: UTF8.self)))") }
        }
        let headEnd = end ?? 0
        let lines = String(decoding: buffer[0..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw LiveError("bad status line: \(lines[0])")
        }
        let headers: [(name: String, value: String)] = lines.dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        buffer.removeSubrange(0..<(headEnd + 4))
        let response = LiveResponse(status: status, headers: headers, body: [])
        let length = response.header("Content-Length").flatMap { Int($0) }
        var body: [UInt8]
        if !withBody || status < 200 {
            body = []
        } else if let length {
            while buffer.count < length { guard try fill() else { throw LiveError("the body ended after \(buffer.count) of \(length) bytes") } }
            body = Array(buffer[0..<length])
            buffer.removeSubrange(0..<length)
        } else {
            while try fill() {}
            body = buffer
            buffer = []
        }
        return LiveResponse(status: status, headers: headers, body: body)
    }

    /// True when the server closes the connection (within 10 s) without sending anything more.
    func isClosedByServer() throws -> Bool {
        let before = buffer.count
        let open = try fill()
        return !open && buffer.count == before
    }
}
