import Foundation

/// An HTTP version, `HTTP/major.minor`.
public struct HTTPVersion: Equatable, Sendable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public static let http10 = HTTPVersion(major: 1, minor: 0)
    public static let http11 = HTTPVersion(major: 1, minor: 1)

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public var description: String { "HTTP/\(major).\(minor)" }
}

/// A request's header fields in the order received; names compare without case.
public struct HTTPHeaders: Sendable {
    /// The fields as received (names as the client spelt them).
    public private(set) var fields: [(name: String, value: String)] = []

    public init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    mutating func append(name: String, value: String) { fields.append((name, value)) }

    /// The first value of the field `name`.
    public subscript(name: String) -> String? {
        fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Every value of `name`, comma-separated lists split, trimmed and lowercased
    /// (`Connection: keep-alive, Upgrade` gives ["keep-alive", "upgrade"]).
    public func tokens(_ name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }
            .flatMap { $0.value.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty }
    }
}

/// One parsed request: the request line, the header fields and the whole body.
public struct HTTPRequest: Sendable {
    /// The method as sent (`GET`, `POST`, ...); methods are case-sensitive.
    public var method: String
    /// The request target as sent: a path with an optional query, or an absolute URL.
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: String, target: String, version: HTTPVersion = .http11, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// The target's path, without query or fragment, percent-decoded; nil when the
    /// encoding is broken. An absolute target (`http://host/path`) gives its path.
    public var path: String? {
        var t = Substring(target)
        if let scheme = t.range(of: "://"), !t.hasPrefix("/") {
            let rest = t[scheme.upperBound...]
            t = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        if let end = t.firstIndex(where: { $0 == "?" || $0 == "#" }) { t = t[..<end] }
        return String(t).removingPercentEncoding
    }

    /// Whether the connection stays open after this request: HTTP/1.1 unless it says
    /// `Connection: close`, HTTP/1.0 only when it says `Connection: keep-alive`.
    public var keepsAlive: Bool {
        let tokens = headers.tokens("Connection")
        if version == .http10 { return tokens.contains("keep-alive") }
        return !tokens.contains("close")
    }
}

/// A response: a status, header fields and a body (`Content-Length`, `Date` and
/// `Connection` are added when it is written).
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response.
    public static func json(_ text: String, status: Int = 200, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [(name: "Content-Type", value: "application/json")] + headers, body: Array(text.utf8))
    }

    /// A refusal: `{"error": message}` with its status.
    public static func error(_ error: ServingError, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        json(ServingJSON.error(error.message), status: error.status, headers: headers)
    }

    /// The bytes on the wire: status line, headers, blank line, then the body unless
    /// `includeBody` is false (the answer to HEAD keeps its Content-Length but sends no body).
    /// The version answered is always HTTP/1.1 (RFC 9110, 6.2); `version` is the request's.
    func serialized(version: HTTPVersion = .http11, keepAlive: Bool, date: String, includeBody: Bool = true) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(HTTPResponse.reason(status))\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\nDate: \(date)\r\nServer: ainb\r\n"
        if !keepAlive { head += "Connection: close\r\n" } else if version == .http10 { head += "Connection: keep-alive\r\n" }
        head += "\r\n"
        return includeBody ? Array(head.utf8) + body : Array(head.utf8)
    }

    /// The reason phrase of the statuses this server sends.
    static func reason(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 417: return "Expectation Failed"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Status \(status)"
        }
    }

    /// Today's date as HTTP writes it (`Sun, 06 Nov 1994 08:49:37 GMT`).
    static func dateNow() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let n = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
        return String(decoding: buffer.prefix(n).map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)
    }
}
