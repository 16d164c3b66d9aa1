/// Reads HTTP/1.1 requests, one after another, from a stream of bytes (a socket in the
/// server, an array in a test), within limits on each part.
///
/// `readHead` reads the request line and the header fields and decides how the body is
/// framed; `readBody` then reads it, by `Content-Length` or `Transfer-Encoding: chunked`. Bytes
/// past the end of a request stay buffered for the next one, so pipelined requests work.
/// Refusals are `ServingError`s with their status: 400 for a malformed request, 414 for a
/// request line over its limit, 431 for header fields over theirs, 413 for a body over its
/// limit, 501 for a transfer coding other than chunked, 505 for a version other than HTTP/1.x.
public struct HTTPRequestReader {
    /// The most bytes each part of a request may have.
    public struct Limits: Sendable {
        /// The request line (method, target, version).
        public var requestLine = 8 * 1024
        /// All header lines together (and a chunked body's trailer).
        public var headers = 64 * 1024
        /// The body.
        public var body = 16 << 20

        public init(requestLine: Int = 8 * 1024, headers: Int = 64 * 1024, body: Int = 16 << 20) {
            self.requestLine = requestLine
            self.headers = headers
            self.body = body
        }
    }

    /// How the body of a request is delimited.
    public enum Framing: Equatable, Sendable {
        case length(Int)
        case chunked
    }

    /// A request without its body.
    public struct Head: Sendable {
        public var method: String
        public var target: String
        public var version: HTTPVersion
        public var headers: HTTPHeaders
        public var framing: Framing
    }

    /// Why the stream gave no more bytes.
    public enum StreamError: Error, Equatable {
        /// The peer closed the stream in the middle of a request.
        case closed
        /// The peer was silent for too long (thrown by the source).
        case timedOut
    }

    /// Appends what the stream has next to the buffer; false at the end of the stream.
    public typealias Source = (inout [UInt8]) throws -> Bool

    public let limits: Limits
    private let receive: Source
    private var buffer: [UInt8] = []
    private var position = 0

    public init(limits: Limits, source: @escaping Source) {
        self.limits = limits
        self.receive = source
    }

    /// True when bytes of a next request have already arrived (pipelining).
    public var hasBufferedBytes: Bool { position < buffer.count }

    /// The next request's line and headers; nil when the stream ends cleanly before one starts.
    public mutating func readHead() throws -> Head? {
        if position > 0 {
            buffer.removeSubrange(0..<position)
            position = 0
        }
        // A client may send empty lines between requests.
        var line: ArraySlice<UInt8>
        repeat {
            guard let next = try readLine(limit: limits.requestLine, tooLong: ServingError(status: 414, message: "the request line is longer than \(limits.requestLine) bytes"),
                                          check: HTTPRequestReader.checkMethodPrefix) else { return nil }
            line = next
        } while line.isEmpty
        let (method, target, version) = try HTTPRequestReader.requestLine(line)
        let headers = try readFields("header")
        if version == .http11, headers["Host"] == nil { throw ServingError.badRequest("an HTTP/1.1 request needs a Host header") }
        return Head(method: method, target: target, version: version, headers: headers,
                    framing: try HTTPRequestReader.framing(headers, version: version))
    }

    /// The body of the request whose head was just read.
    public mutating func readBody(_ head: Head) throws -> [UInt8] {
        switch head.framing {
        case .length(let n):
            guard n <= limits.body else { throw HTTPRequestReader.tooLarge(n, limits.body) }
            return try readBytes(n)
        case .chunked:
            var body: [UInt8] = []
            while true {
                let sizeError = ServingError.badRequest("a chunk size line is malformed")
                guard let line = try readLine(limit: 1024, tooLong: sizeError) else { throw StreamError.closed }
                let digits = line.prefix { $0 != UInt8(ascii: ";") }.filter { $0 != 32 && $0 != 9 }
                guard !digits.isEmpty, digits.count <= 16, let size = Int(String(decoding: digits, as: UTF8.self), radix: 16) else { throw sizeError }
                guard size <= limits.body - body.count else {
                    throw ServingError(status: 413, message: "the body is larger than \(limits.body) bytes")
                }
                if size == 0 { break }
                body += try readBytes(size)
                guard let end = try readLine(limit: 1, tooLong: ServingError.badRequest("a chunk is longer than its size says")) else { throw StreamError.closed }
                guard end.isEmpty else { throw ServingError.badRequest("a chunk is longer than its size says") }
            }
            _ = try readFields("trailer")  // read and dropped
            return body
        }
    }

    /// The refusal of a declared body over the limit.
    static func tooLarge(_ length: Int, _ limit: Int) -> ServingError {
        ServingError(status: 413, message: "the body has \(length) bytes; at most \(limit)")
    }

    // MARK: - Bytes

    /// Header (or trailer) fields up to the empty line, at most `limits.headers` bytes together.
    private mutating func readFields(_ kind: String) throws -> HTTPHeaders {
        let tooLarge = ServingError(status: 431, message: "the \(kind) fields are larger than \(limits.headers) bytes")
        var fields = HTTPHeaders()
        var used = 0
        while true {
            guard let line = try readLine(limit: limits.headers - used, tooLong: tooLarge) else { throw StreamError.closed }
            used += line.count + 2
            if line.isEmpty { return fields }
            guard used <= limits.headers else { throw tooLarge }
            let (name, value) = try HTTPRequestReader.headerField(line)
            fields.append(name: name, value: value)
        }
    }

    /// The next line without its CR LF (a bare LF ends a line too); nil if the stream ends
    /// before any byte of it. `check` looks at a line still arriving, to refuse garbage early.
    private mutating func readLine(limit: Int, tooLong: ServingError, check: ((ArraySlice<UInt8>) throws -> Void)? = nil) throws -> ArraySlice<UInt8>? {
        var scanned = position
        while true {
            if let lf = buffer[scanned...].firstIndex(of: 10) {
                let end = lf > position && buffer[lf - 1] == 13 ? lf - 1 : lf
                guard end - position <= limit else { throw tooLong }
                let line = buffer[position..<end]
                position = lf + 1
                return line
            }
            scanned = buffer.count
            guard scanned - position <= limit else { throw tooLong }
            try check?(buffer[position...])
            guard try receive(&buffer) else {
                if position == buffer.count { return nil }
                throw StreamError.closed
            }
        }
    }

    /// Exactly `n` bytes.
    private mutating func readBytes(_ n: Int) throws -> [UInt8] {
        if buffer.count - position < n { buffer.reserveCapacity(position + n) }
        while buffer.count - position < n {
            guard try receive(&buffer) else { throw StreamError.closed }
        }
        let bytes = Array(buffer[position..<(position + n)])
        position += n
        return bytes
    }

    // MARK: - Syntax (RFC 9112)

    /// A token character (RFC 9110 `tchar`): methods and field names.
    static func isToken(_ c: UInt8) -> Bool { tokenTable[Int(c)] }

    private static let tokenTable: [Bool] = (0..<256).map { c in
        let byte = UInt8(c)
        return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }

    /// Refuses a request line whose method already holds a byte no method can have, so that
    /// garbage (say a TLS handshake) gets its 400 without waiting for a line end.
    private static func checkMethodPrefix(_ partial: ArraySlice<UInt8>) throws {
        for c in partial {
            if c == 32 { return }
            if c != 13 && !isToken(c) { throw ServingError.badRequest("malformed request line") }
        }
    }

    private static func requestLine(_ line: ArraySlice<UInt8>) throws -> (String, String, HTTPVersion) {
        let parts = line.split(separator: 32, omittingEmptySubsequences: false)
        let malformed = ServingError.badRequest("malformed request line: expected METHOD TARGET HTTP/1.1")
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(isToken),
              !parts[1].isEmpty, parts[1].allSatisfy({ (0x21...0x7E).contains($0) }) else { throw malformed }
        let v = Array(parts[2])
        guard v.count == 8, v.starts(with: Array("HTTP/".utf8)), v[6] == UInt8(ascii: "."),
              let major = digit(v[5]), let minor = digit(v[7]) else {
            if v.starts(with: Array("HTTP/".utf8)), v.count > 5, digit(v[5]) != nil, digit(v[5]) != 1 {
                throw ServingError(status: 505, message: "\(String(decoding: v, as: UTF8.self)) is not supported; this server speaks HTTP/1.1")
            }
            throw malformed
        }
        guard major == 1 else {
            throw ServingError(status: 505, message: "HTTP/\(major).\(minor) is not supported; this server speaks HTTP/1.1")
        }
        // HTTP/1.2 and later minors are answered as HTTP/1.1 (RFC 9110, 6.2).
        return (String(decoding: parts[0], as: UTF8.self), String(decoding: parts[1], as: UTF8.self),
                HTTPVersion(major: 1, minor: min(minor, 1)))
    }

    private static func digit(_ c: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) ? Int(c - UInt8(ascii: "0")) : nil
    }

    private static func headerField(_ line: ArraySlice<UInt8>) throws -> (String, String) {
        guard let first = line.first, first != 32, first != 9 else {
            throw ServingError.badRequest("malformed header: a line may not start with a space (obsolete line folding)")
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
              line[..<colon].allSatisfy(isToken) else {
            throw ServingError.badRequest("malformed header line: expected Name: value")
        }
        let value = line[(colon + 1)...].drop { $0 == 32 || $0 == 9 }
        let trimmed = value.reversed().drop { $0 == 32 || $0 == 9 }.reversed()
        guard !trimmed.contains(where: { $0 == 0 || $0 == 13 || $0 == 10 }) else {
            throw ServingError.badRequest("malformed header line: a value holds a control character")
        }
        return (String(decoding: line[..<colon], as: UTF8.self), String(decoding: trimmed, as: UTF8.self))
    }

    private static func framing(_ headers: HTTPHeaders, version: HTTPVersion) throws -> Framing {
        let codings = headers.tokens("Transfer-Encoding")
        let lengths = headers.tokens("Content-Length")
        if !codings.isEmpty {
            guard lengths.isEmpty else { throw ServingError.badRequest("a request may not have both Content-Length and Transfer-Encoding") }
            guard version == .http11 else { throw ServingError.badRequest("Transfer-Encoding needs HTTP/1.1") }
            guard codings == ["chunked"] else {
                throw ServingError(status: 501, message: "Transfer-Encoding \(codings.joined(separator: ", ")) is not supported; send chunked or a Content-Length")
            }
            return .chunked
        }
        guard let first = lengths.first else { return .length(0) }
        guard lengths.allSatisfy({ $0 == first }), first.count <= 18, first.utf8.allSatisfy({ digit($0) != nil }), let n = Int(first) else {
            throw ServingError.badRequest("Content-Length must be one number of bytes")
        }
        return .length(n)
    }
}
