import Foundation
import Notebook

/// A Jupyter message (messaging protocol 5.3): header, parent header, metadata, content,
/// and the routing identities it came with.
public struct JupyterMessage: Equatable, Sendable {
    /// Routing frames before the `<IDS|MSG>` delimiter (echoed back in replies).
    public var identities: [[UInt8]]
    public var header: JSONValue
    public var parentHeader: JSONValue
    public var metadata: JSONValue
    public var content: JSONValue
    /// Extra binary frames after the content.
    public var buffers: [[UInt8]]

    public init(identities: [[UInt8]] = [], header: JSONValue, parentHeader: JSONValue = .object([]),
                metadata: JSONValue = .object([]), content: JSONValue = .object([]), buffers: [[UInt8]] = []) {
        self.identities = identities
        self.header = header
        self.parentHeader = parentHeader
        self.metadata = metadata
        self.content = content
        self.buffers = buffers
    }

    /// The header's `msg_type`.
    public var type: String { header["msg_type"]?.string ?? "" }

    /// The frame that separates routing identities from the message.
    public static let delimiter = Array("<IDS|MSG>".utf8)

    /// The message's frames, signed with `key` (no signature when the key is empty).
    public func frames(key: [UInt8]) -> [[UInt8]] {
        let parts = [header, parentHeader, metadata, content].map { Array($0.text().utf8) }
        return identities + [Self.delimiter, Array(Self.signature(parts, key: key).utf8)] + parts + buffers
    }

    /// The hex HMAC-SHA256 of the four JSON parts, or "" without a key.
    public static func signature(_ parts: [[UInt8]], key: [UInt8]) -> String {
        key.isEmpty ? "" : SHA256.hex(SHA256.hmac(key: key, message: parts.flatMap { $0 }))
    }

    /// Reads a message from its frames, checking the signature against `key`.
    public static func decode(_ frames: [[UInt8]], key: [UInt8]) throws -> JupyterMessage {
        guard let split = frames.firstIndex(of: delimiter) else { throw ZMTPError("a message without the <IDS|MSG> delimiter") }
        let rest = Array(frames[(split + 1)...])
        guard rest.count >= 5 else { throw ZMTPError("a message with \(rest.count) frames after the delimiter (5 or more expected)") }
        let parts = Array(rest[1...4])
        if !key.isEmpty {
            let expected = Array(signature(parts, key: key).utf8)
            // Compare every byte, so timing says nothing about where a forgery went wrong.
            var difference = expected.count ^ rest[0].count
            for (a, b) in zip(expected, rest[0]) { difference |= Int(a ^ b) }
            guard difference == 0 else { throw ZMTPError("a message with a bad signature") }
        }
        let json = try parts.map { try JSONValue.parse(String(decoding: $0, as: UTF8.self), file: "message") }
        return JupyterMessage(identities: Array(frames[..<split]), header: json[0], parentHeader: json[1],
                              metadata: json[2], content: json[3], buffers: Array(rest[5...]))
    }
}

/// Makes the headers of the messages one kernel sends: one session id, fresh message ids.
public struct MessageFactory: Sendable {
    /// The kernel's session id.
    public let session: String

    public init(session: String = UUID().uuidString.lowercased()) {
        self.session = session
    }

    /// A header for a message of `type`.
    public func header(_ type: String) -> JSONValue {
        .object([("msg_id", .string(UUID().uuidString.lowercased())), ("session", .string(session)),
                 ("username", .string("ainb")), ("date", .string(Self.now())), ("msg_type", .string(type)),
                 ("version", .string("5.3"))])
    }

    /// A message of `type` answering `parent` (its header becomes the parent header).
    public func message(_ type: String, parent: JupyterMessage?, content: JSONValue, identities: [[UInt8]] = []) -> JupyterMessage {
        JupyterMessage(identities: identities, header: header(type), parentHeader: parent?.header ?? .object([]),
                       metadata: .object([]), content: content)
    }

    /// The time in ISO 8601 with microseconds, UTC.
    static func now() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var seconds = time_t(time.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(time.tv_nsec / 1000), 6))Z"
    }
}
