/// A request the server refuses: an HTTP status (400, 404, 413, ...) and a message for `{"error": ...}`.
public struct ServingError: Error, CustomStringConvertible, Equatable {
    /// The HTTP status code.
    public let status: Int
    /// What was wrong, for the client.
    public let message: String

    /// A 400 Bad Request.
    public static func badRequest(_ message: String) -> ServingError { ServingError(status: 400, message: message) }
    /// A 404 Not Found.
    public static func notFound(_ message: String) -> ServingError { ServingError(status: 404, message: message) }

    public var description: String { message }
}
