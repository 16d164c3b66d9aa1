/// The ZeroMQ wire protocol, ZMTP 3.0 (rfc.zeromq.org/spec/23) with the NULL security
/// mechanism: what a Jupyter client's libzmq speaks to the kernel over TCP.
///
/// A connection starts with a 64-byte greeting each way, then each side sends a READY
/// command naming its socket type; after that come frames: a flags byte (MORE, LONG,
/// COMMAND), a 1- or 8-byte size, the body. A message is frames up to one without MORE.
public enum ZMTP {
    /// The socket types the kernel and its clients use.
    public enum SocketType: String, Sendable {
        case router = "ROUTER", dealer = "DEALER", pub = "PUB", sub = "SUB", rep = "REP", req = "REQ"
    }

    /// Frame flag bits.
    static let more: UInt8 = 0x01, long: UInt8 = 0x02, command: UInt8 = 0x04

    /// Our greeting: signature, version 3.0, mechanism NULL, not as-server.
    public static let greeting: [UInt8] = {
        var bytes: [UInt8] = [0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 3, 0]
        var mechanism = Array("NULL".utf8)
        mechanism += [UInt8](repeating: 0, count: 20 - mechanism.count)
        bytes += mechanism
        bytes.append(0)
        bytes += [UInt8](repeating: 0, count: 31)
        return bytes
    }()

    /// Checks a peer's 64-byte greeting: ZMTP 3.x with the NULL mechanism.
    public static func checkGreeting(_ bytes: [UInt8]) throws {
        guard bytes.count == 64, bytes[0] == 0xFF, bytes[9] == 0x7F else {
            throw ZMTPError("not a ZMTP peer (bad greeting signature)")
        }
        guard bytes[10] >= 3 else { throw ZMTPError("the peer speaks ZMTP \(bytes[10]).\(bytes[11]); 3.0 or later is needed") }
        let mechanism = String(decoding: bytes[12..<32].prefix { $0 != 0 }, as: UTF8.self)
        guard mechanism == "NULL" else { throw ZMTPError("the peer asks for the \(mechanism) security mechanism; only NULL is supported") }
    }

    /// One frame on the wire.
    public struct Frame: Equatable, Sendable {
        /// The body.
        public var body: [UInt8]
        /// More frames of the same message follow.
        public var more: Bool
        /// A command (READY, PING, SUBSCRIBE…), not message data.
        public var isCommand: Bool

        public init(body: [UInt8], more: Bool = false, isCommand: Bool = false) {
            self.body = body
            self.more = more
            self.isCommand = isCommand
        }

        /// The frame's bytes: flags, size (1 byte up to 255, else 8 bytes big-endian), body.
        public var encoded: [UInt8] {
            var flags: UInt8 = (more ? ZMTP.more : 0) | (isCommand ? ZMTP.command : 0)
            var out: [UInt8] = []
            out.reserveCapacity(body.count + 9)
            if body.count > 255 {
                flags |= ZMTP.long
                out.append(flags)
                let size = UInt64(body.count)
                for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: size >> UInt64(shift))) }
            } else {
                out.append(flags)
                out.append(UInt8(body.count))
            }
            return out + body
        }

        /// Reads one frame from the start of `bytes`: the frame and the bytes it took, or
        /// nil when `bytes` does not yet hold all of it.
        public static func decode(_ bytes: ArraySlice<UInt8>, maxSize: Int = 1 << 30) throws -> (Frame, Int)? {
            guard let flags = bytes.first else { return nil }
            guard flags & ~(ZMTP.more | ZMTP.long | ZMTP.command) == 0 else { throw ZMTPError("bad frame flags \(flags)") }
            var header = 2
            var size = 0
            let start = bytes.startIndex
            if flags & ZMTP.long != 0 {
                header = 9
                guard bytes.count >= header else { return nil }
                var value: UInt64 = 0
                for i in 1...8 { value = value << 8 | UInt64(bytes[start + i]) }
                guard value <= UInt64(maxSize) else { throw ZMTPError("frame of \(value) bytes is too large") }
                size = Int(value)
            } else {
                guard bytes.count >= header else { return nil }
                size = Int(bytes[start + 1])
            }
            guard bytes.count >= header + size else { return nil }
            let body = Array(bytes[(start + header)..<(start + header + size)])
            return (Frame(body: body, more: flags & ZMTP.more != 0, isCommand: flags & ZMTP.command != 0), header + size)
        }
    }

    /// The frames of a multipart message: MORE on all but the last.
    public static func frames(_ parts: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, part) in parts.enumerated() { out += Frame(body: part, more: i + 1 < parts.count).encoded }
        return out
    }

    /// A command frame: the name's length, the name, then the data.
    public static func command(_ name: String, data: [UInt8]) -> Frame {
        let n = Array(name.utf8)
        return Frame(body: [UInt8(n.count)] + n + data, isCommand: true)
    }

    /// The READY command with its properties (`Socket-Type`, `Identity`).
    public static func ready(_ type: SocketType, properties: [(String, [UInt8])] = []) -> Frame {
        var data: [UInt8] = []
        for (name, value) in [("Socket-Type", Array(type.rawValue.utf8))] + properties {
            let n = Array(name.utf8)
            data.append(UInt8(n.count))
            data += n
            let size = UInt32(value.count)
            data += [UInt8(size >> 24), UInt8((size >> 16) & 0xFF), UInt8((size >> 8) & 0xFF), UInt8(size & 0xFF)]
            data += value
        }
        return command("READY", data: data)
    }

    /// A command's name and data.
    public static func parseCommand(_ frame: Frame) throws -> (name: String, data: [UInt8]) {
        guard let count = frame.body.first, frame.body.count >= 1 + Int(count) else { throw ZMTPError("malformed command frame") }
        let name = String(decoding: frame.body[1..<(1 + Int(count))], as: UTF8.self)
        return (name, Array(frame.body[(1 + Int(count))...]))
    }

    /// The properties of a READY command.
    public static func readyProperties(_ data: [UInt8]) throws -> [String: [UInt8]] {
        var properties: [String: [UInt8]] = [:]
        var i = 0
        while i < data.count {
            let n = Int(data[i])
            guard i + 1 + n + 4 <= data.count else { throw ZMTPError("malformed READY property") }
            let name = String(decoding: data[(i + 1)..<(i + 1 + n)], as: UTF8.self)
            i += 1 + n
            let size = Int(data[i]) << 24 | Int(data[i + 1]) << 16 | Int(data[i + 2]) << 8 | Int(data[i + 3])
            i += 4
            guard i + size <= data.count else { throw ZMTPError("malformed READY property value") }
            properties[name] = Array(data[i..<(i + size)])
            i += size
        }
        return properties
    }

    /// Whether a peer of type `peer` may talk to a socket of type `mine`.
    public static func compatible(_ mine: SocketType, _ peer: SocketType) -> Bool {
        switch mine {
        case .router: return [.dealer, .req, .router].contains(peer)
        case .dealer: return [.router, .rep, .dealer].contains(peer)
        case .pub: return peer == .sub
        case .sub: return peer == .pub
        case .rep: return [.req, .dealer].contains(peer)
        case .req: return [.rep, .router].contains(peer)
        }
    }
}

/// A ZMTP peer broke the protocol.
public struct ZMTPError: Error, Equatable, CustomStringConvertible {
    /// What was wrong.
    public var description: String
    public init(_ description: String) { self.description = description }
}
