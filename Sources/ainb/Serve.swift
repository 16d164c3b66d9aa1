import ArgumentParser
import Deploy
import Foundation
import Serve
import Tensor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ainb serve MODEL.safetensors [--port 8501] [--name emotion_ai] ...`: TensorFlow Serving's
/// REST API for a saved face model, on ainb's own HTTP/1.1 server.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a saved face model over TensorFlow Serving's REST API.",
        discussion: """
        GET /v1/models/NAME answers the version status, GET /v1/models/NAME/metadata the \
        signature (input [-1, 96, 96, 1] gray values 0–255; outputs keypoints [-1, 30], \
        probabilities and emotion), and POST /v1/models/NAME:predict takes \
        {"instances": [face, ...]} or {"inputs": [face, ...]}, where a face is a 96×96 array \
        or {"b64": "<PNG or JPEG>"}. Requests that arrive together are run as one batch. \
        Ctrl-C or SIGTERM finishes the requests in flight, then exits.
        """)

    @Argument(help: ArgumentHelp("The model checkpoint (.safetensors): fused, keypoint or emotion ResNet.", valueName: "model"))
    var model: String

    @Option(help: "TCP port (0: any free port, printed at start).") var port = 8501
    @Option(help: "The model's name in the URL paths.") var name = "emotion_ai"
    @Option(help: "IPv4 address to listen on (0.0.0.0 for every interface).") var host = "127.0.0.1"
    @Option(name: .customLong("max-batch"), help: "Most faces run through the model at once.") var maxBatch = 64
    @Option(name: .customLong("batch-timeout-ms"), help: "How long the first waiting face waits for others to fill a batch.") var batchTimeoutMS = 5.0
    @Option(name: .customLong("max-body-mb"), help: "Largest request body, in MiB (a larger one gets a 413).") var maxBodyMB = 16
    @Option(name: .customLong("max-connections"), help: "Most connections open at once (one more gets a 503).") var maxConnections = 256
    @Option(name: .customLong("bench-predict"), help: ArgumentHelp("Instead of serving: time the model in-process on N seeded faces in batches of --max-batch, print images/s and exit.", valueName: "n"))
    var benchPredict: Int?
    @Option(name: .customLong("log-level"), help: "debug (every request), info, warning or error.") var logLevel = "info"

    private static let levels: [String: HTTPServer.LogLevel] = ["debug": .debug, "info": .info, "warning": .warning, "error": .error]

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0–65535") }
        guard (1...4096).contains(maxBatch) else { throw ValidationError("--max-batch must be 1–4096") }
        guard (0...10_000).contains(batchTimeoutMS) else { throw ValidationError("--batch-timeout-ms must be 0–10000") }
        guard (1...1024).contains(maxBodyMB) else { throw ValidationError("--max-body-mb must be 1–1024") }
        guard (1...10_000).contains(maxConnections) else { throw ValidationError("--max-connections must be 1–10000") }
        guard !name.isEmpty, !name.contains("/"), !name.contains(":") else { throw ValidationError("--name must be non-empty, without / or :") }
        guard Serve.levels[logLevel] != nil else { throw ValidationError("unknown --log-level \(logLevel): debug, info, warning or error") }
    }

    func run() throws {
        let predictor: FacePredictor
        do { predictor = try FacePredictor(path: model) } catch {
            writeErr("error: \(error)\n")
            throw ExitCode.failure
        }
        if let n = benchPredict { return try bench(predictor, faces: n) }
        let level = Serve.levels[logLevel] ?? .info
        let batcher = PredictionBatcher(predictor, maxBatch: maxBatch, batchTimeout: .microseconds(Int(batchTimeoutMS * 1000)))
        let server = ModelServer(name: name, batcher: batcher, maxBodyBytes: maxBodyMB << 20)
        let http: HTTPServer
        do {
            http = try server.httpServer(host: host, port: port, configuration: HTTPServer.Configuration(maxConnections: maxConnections))
        } catch {
            writeErr("error: \(error)\n")
            throw ExitCode.failure
        }
        http.log = { at, line in if at >= level { writeErr("\(line)\n") } }
        signal(SIGPIPE, SIG_IGN)
        http.stopOnSignals([SIGINT, SIGTERM])
        if level <= .info {
            print("serving \(model) (\(predictor.model.kind.rawValue)) as \"\(name)\" on http://\(host):\(http.port)/v1/models/\(name)")
        }
        fflush(stdout)
        http.run()
        let calls = batcher.batchHistogram.sorted { $0.key < $1.key }.map { "\($0.value)×\($0.key)" }
        print("stopped; model calls (count×faces): \(calls.isEmpty ? "none" : calls.joined(separator: ", "))")
    }

    /// ainb's own predict throughput, the yardstick for the server's: faces already in memory,
    /// straight through FacePredictor in batches of --max-batch (one warm-up batch first).
    func bench(_ predictor: FacePredictor, faces n: Int) throws {
        guard n > 0 else { throw ValidationError("--bench-predict needs a positive number of faces") }
        var rng = RandomGenerator(seed: 1)
        let side = predictor.size
        let batch = try Tensor(shape: [min(maxBatch, n), 1, side, side],
                               scalars: (0..<(min(maxBatch, n) * side * side)).map { _ in rng.nextFloat(in: 0, 255).rounded() })
        _ = try predictor.predict(batch, batchSize: maxBatch)
        let start = DispatchTime.now().uptimeNanoseconds
        var done = 0
        while done < n {
            _ = try predictor.predict(batch, batchSize: maxBatch)
            done += batch.shape[0]
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(#"{"faces": \#(done), "batch": \#(batch.shape[0]), "seconds": \#(String(format: "%.3f", seconds)), "images_per_s": \#(String(format: "%.2f", Double(done) / seconds))}"#)
    }
}
