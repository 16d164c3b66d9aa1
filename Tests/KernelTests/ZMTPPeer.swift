#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Kernel
import XCTest

/// A minimal ZMTP 3.0 client written for the tests: connects over loopback, greets,
/// sends READY with its socket type, then sends and receives multipart messages.
final class ZMTPPeer {
    let fd: Int32
    private var input: [UInt8] = []
    /// The socket type the kernel announced in its READY.
    private(set) var serverType = ""

    init(port: Int, type: ZMTP.SocketType) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else { throw ZMTPError("cannot connect to port \(port)") }
        write(ZMTP.greeting)
        try ZMTP.checkGreeting(try read(count: 64))
        write(ZMTP.ready(type, properties: type == .dealer || type == .req ? [("Identity", [])] : []).encoded)
        let frame = try readFrame()
        let (name, data) = try ZMTP.parseCommand(frame)
        guard name == "READY" else { throw ZMTPError("expected READY, got \(name)") }
        serverType = String(decoding: try ZMTP.readyProperties(data)["Socket-Type"] ?? [], as: UTF8.self)
    }

    deinit { close(fd) }

    func write(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    func send(_ parts: [[UInt8]]) { write(ZMTP.frames(parts)) }

    private func read(count: Int) throws -> [UInt8] {
        while input.count < count {
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw ZMTPError("the kernel closed the connection or did not answer") }
            input += buffer[0..<n]
        }
        let out = Array(input[0..<count])
        input.removeFirst(count)
        return out
    }

    func readFrame() throws -> ZMTP.Frame {
        while true {
            if let (frame, used) = try ZMTP.Frame.decode(input[...]) {
                input.removeFirst(used)
                return frame
            }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw ZMTPError("the kernel closed the connection or did not answer") }
            input += buffer[0..<n]
        }
    }

    /// The next message's frames.
    func receive() throws -> [[UInt8]] {
        var parts: [[UInt8]] = []
        while true {
            let frame = try readFrame()
            if frame.isCommand { continue }
            parts.append(frame.body)
            if !frame.more { return parts }
        }
    }
}
