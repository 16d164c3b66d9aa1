import Deploy
import Foundation

/// TensorFlow Serving's REST API for one face model: `GET /v1/models/NAME`,
/// `GET /v1/models/NAME/metadata`, `POST /v1/models/NAME:predict` (also under `/versions/1`).
///
/// `respond(to:)` is the whole API as one function from a request to a status and JSON;
/// `httpServer` puts it on ainb's HTTP server. Every refusal is a 4xx with `{"error": "..."}`.
public struct ModelServer: Sendable {
    /// The name clients use in the path.
    public let name: String
    /// Runs the model, batching concurrent requests.
    public let batcher: PredictionBatcher
    /// The largest body accepted, in bytes.
    public let maxBodyBytes: Int
    /// The most faces in one request.
    public let maxFaces: Int

    /// A server for the model behind `batcher`.
    public init(name: String, batcher: PredictionBatcher, maxBodyBytes: Int = 16 << 20, maxFaces: Int = 256) {
        self.name = name
        self.batcher = batcher
        self.maxBodyBytes = maxBodyBytes
        self.maxFaces = maxFaces
    }

    /// An HTTP server answering the API on `host:port` (port 0: any free port), its body limit
    /// set to `maxBodyBytes`. Call `run()` on it to serve.
    public func httpServer(host: String = "127.0.0.1", port: Int = 8501, configuration: HTTPServer.Configuration = .init()) throws -> HTTPServer {
        var configuration = configuration
        configuration.limits.body = maxBodyBytes
        return try HTTPServer(host: host, port: port, configuration: configuration) { self.respond(to: $0) }
    }

    /// The answer to one request.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        do {
            return try route(request)
        } catch let error as ServingError {
            return .error(error)
        } catch {
            return .error(ServingError(status: 500, message: "the model failed: \(error)"))
        }
    }

    /// The resources under `/v1/models/NAME`, by the path segments after `models`.
    private func route(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let path = request.path else { throw ServingError.badRequest("the path's percent-encoding is broken: \(request.target)") }
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        if parts.count > 1, parts.last == "" { parts.removeLast() }
        guard parts.count >= 3, parts[0] == "v1", parts[1] == "models" else {
            throw ServingError.notFound("no resource at \(path); this server answers /v1/models/\(name)")
        }
        let model = parts[2], rest = Array(parts[3...])
        switch rest.count {
        case 0 where model.contains(":"), 2 where rest[0] == "versions" && rest[1].contains(":"):
            guard request.method == "POST" else { return notAllowed(request.method, path, allow: "POST") }
            return try predict(request, model: model, version: rest.count == 2 ? rest[1] : nil)
        case 0,
             2 where rest[0] == "versions":
            guard request.method == "GET" else {
                if request.method == "POST" {
                    return notAllowed(request.method, path, allow: "GET", message: "POST needs a verb: /v1/models/\(name):predict")
                }
                return notAllowed(request.method, path, allow: "GET")
            }
            try check(model: model, version: rest.count == 2 ? rest[1] : nil)
            return .json(ServingJSON.status())
        case 1 where rest[0] == "metadata", 3 where rest[0] == "versions" && rest[2] == "metadata":
            guard request.method == "GET" else { return notAllowed(request.method, path, allow: "GET") }
            try check(model: model, version: rest.count == 3 ? rest[1] : nil)
            return .json(ServingJSON.metadata(name: name, model: batcher.model))
        default:
            throw ServingError.notFound("no resource at \(path); this server answers /v1/models/\(name)")
        }
    }

    private func notAllowed(_ method: String, _ path: String, allow: String, message: String? = nil) -> HTTPResponse {
        .error(ServingError(status: 405, message: message ?? "\(method) is not allowed on \(path); use \(allow)"), headers: [("Allow", allow)])
    }

    private func check(model: String, version: String?) throws {
        guard model == name else { throw ServingError.notFound("Servable not found for request: Latest(\(model)); this server serves \"\(name)\"") }
        if let version, version != "1" {
            throw ServingError.notFound("Servable not found for request: Specific(\(name), \(version)); the only version is 1")
        }
    }

    /// `NAME:predict` or `versions/1:predict`: the verb rides on the last path segment.
    private func predict(_ request: HTTPRequest, model: String, version: String?) throws -> HTTPResponse {
        let last = version ?? model
        guard let colon = last.lastIndex(of: ":") else { throw ServingError.badRequest("POST needs a verb: /v1/models/\(name):predict") }
        let verb = String(last[last.index(after: colon)...])
        if version == nil {
            try check(model: String(last[..<colon]), version: nil)
        } else {
            try check(model: model, version: String(last[..<colon]))
        }
        guard verb == "predict" else { throw ServingError.badRequest("unknown verb '\(verb)'; this server answers :predict") }
        guard request.body.count <= maxBodyBytes else { throw HTTPRequestReader.tooLarge(request.body.count, maxBodyBytes) }
        let parsed = try PredictRequest(body: request.body, size: batcher.size, maxFaces: maxFaces)
        let answers = try batcher.predict(pixels: parsed.pixels, count: parsed.count)
        return .json(parsed.columnar ? ServingJSON.outputs(answers) : ServingJSON.predictions(answers))
    }
}
