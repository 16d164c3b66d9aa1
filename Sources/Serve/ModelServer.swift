import Deploy
import Foundation
import Hummingbird
import Logging

/// TensorFlow Serving's REST API for one face model, on Hummingbird:
/// `GET /v1/models/NAME`, `GET /v1/models/NAME/metadata`, `POST /v1/models/NAME:predict`
/// (also under `/versions/1`). Every refusal is a 4xx with `{"error": "..."}`.
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

    /// The router with the API's routes.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        router.get("/v1/models/{model}") { _, context in try self.status(context) }
        router.get("/v1/models/{model}/versions/{version}") { _, context in try self.status(context) }
        router.get("/v1/models/{model}/metadata") { _, context in try self.metadata(context) }
        router.get("/v1/models/{model}/versions/{version}/metadata") { _, context in try self.metadata(context) }
        router.post("/v1/models/{model}") { request, context in try await self.predict(request, context, segment: "model") }
        router.post("/v1/models/{model}/versions/{version}") { request, context in try await self.predict(request, context, segment: "version") }
        return router
    }

    /// A Hummingbird application serving the API at `host:port`.
    public func application(host: String = "127.0.0.1", port: Int = 8501, logger: Logger? = nil) -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "ainb-serve"), logger: logger)
    }

    private func checkModel(_ segment: String) throws {
        guard segment == name else { throw ServingError.notFound("Servable not found for request: Latest(\(segment)); this server serves \"\(name)\"") }
    }

    private func checkVersion(_ context: BasicRequestContext) throws {
        if let v = context.parameters.get("version"), v != "1" {
            throw ServingError.notFound("Servable not found for request: Specific(\(name), \(v)); the only version is 1")
        }
    }

    private func status(_ context: BasicRequestContext) throws -> Response {
        try checkModel(context.parameters.get("model") ?? "")
        try checkVersion(context)
        return json(ServingJSON.status())
    }

    private func metadata(_ context: BasicRequestContext) throws -> Response {
        try checkModel(context.parameters.get("model") ?? "")
        try checkVersion(context)
        return json(ServingJSON.metadata(name: name, model: batcher.model))
    }

    private func predict(_ request: Request, _ context: BasicRequestContext, segment: String) async throws -> Response {
        // The verb rides on the last path segment: NAME:predict or 1:predict.
        let last = context.parameters.get(segment) ?? ""
        guard let colon = last.lastIndex(of: ":") else { throw ServingError(status: 405, message: "POST needs a verb: /v1/models/\(name):predict") }
        let verb = String(last[last.index(after: colon)...])
        if segment == "model" { try checkModel(String(last[..<colon])) } else {
            try checkModel(context.parameters.get("model") ?? "")
            guard last[..<colon] == "1" else { throw ServingError.notFound("Servable not found for request: Specific(\(name), \(last[..<colon])); the only version is 1") }
        }
        guard verb == "predict" else { throw ServingError.badRequest("unknown verb '\(verb)'; this server answers :predict") }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw ServingError.badRequest("the body has \(length) bytes; at most \(maxBodyBytes)")
        }
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: maxBodyBytes) } catch {
            throw ServingError.badRequest("the body is larger than \(maxBodyBytes) bytes")
        }
        let parsed = try PredictRequest(body: Array(buffer: body), size: batcher.size, maxFaces: maxFaces)
        let answers = try await batcher.predict(pixels: parsed.pixels, count: parsed.count)
        return json(parsed.columnar ? ServingJSON.outputs(answers) : ServingJSON.predictions(answers))
    }
}

/// A JSON response.
func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
}

/// Turns every error into a JSON error response: ServingError keeps its status, the router's own
/// errors (unknown path, wrong method) keep theirs, anything else is a 400.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServingError {
            return json(ServingJSON.error(error.message), status: .init(code: error.status))
        } catch let error as HTTPError {
            return json(ServingJSON.error(error.body ?? error.status.reasonPhrase), status: error.status)
        } catch {
            return json(ServingJSON.error("\(error)"), status: .badRequest)
        }
    }
}
