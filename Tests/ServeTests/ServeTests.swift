import Deploy
import Foundation
import Graphics
import ImageFiles
import Neural
import Serve
import Tensor
import XCTest

/// A tiny fused course model (the course's structure, small widths) saved once for these tests.
private let modelPath: String = {
    var k = ResNetConfig.keypoints()
    k.stemFilters = 3; k.stages = [[2, 2, 4], [2, 2, 4]]; k.hidden = [6]; k.dropout = [0.1]
    var e = ResNetConfig.emotions(classes: 5)
    e.stemFilters = 3; e.stages = [[2, 2, 3], [2, 2, 5]]
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ainb-serve-test-\(getpid()).safetensors").path
    if let kp = try? courseResNet(k, seed: 5), let em = try? courseResNet(e, seed: 6) {
        try? FaceModel(keypoints: kp, emotions: em).save(to: URL(fileURLWithPath: path))
    }
    return path
}()

/// A face: 96×96 values 0–255 from a seed.
private func face(_ seed: UInt64) -> [[Float]] {
    var rng = RandomGenerator(seed: seed)
    return (0..<96).map { _ in (0..<96).map { _ in rng.nextFloat(in: 0, 255).rounded() } }
}

private func body(_ object: Any) throws -> [UInt8] {
    Array(try JSONSerialization.data(withJSONObject: object))
}

private func decode(_ response: LiveResponse) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(response.body))
    return object as? [String: Any] ?? [:]
}

final class ServeTests: XCTestCase {
    private func server(maxBodyBytes: Int = 16 << 20) throws -> (ModelServer, FacePredictor) {
        let predictor = try FacePredictor(path: modelPath)
        let server = ModelServer(name: "emotion_ai", batcher: PredictionBatcher(try FacePredictor(path: modelPath), maxBatch: 8),
                                 maxBodyBytes: maxBodyBytes, maxFaces: 16)
        return (server, predictor)
    }

    private func app(_ server: ModelServer) throws -> LiveServer { try LiveServer(server) }

    func testStatusSaysTheOnlyVersionIsAvailable() throws {
        let (server, _) = try server()
        try app(server).test { client in
            try client.execute(uri: "/v1/models/emotion_ai", method: "GET") { response in
                XCTAssertEqual(response.status, 200)
                let status = try decode(response)["model_version_status"] as? [[String: Any]]
                XCTAssertEqual(status?.first?["version"] as? String, "1")
                XCTAssertEqual(status?.first?["state"] as? String, "AVAILABLE")
            }
            try client.execute(uri: "/v1/models/other", method: "GET") { response in
                XCTAssertEqual(response.status, 404)
                XCTAssertNotNil(try decode(response)["error"] as? String)
            }
        }
    }

    func testMetadataGivesInputAndOutputShapes() throws {
        let (server, _) = try server()
        try app(server).test { client in
            try client.execute(uri: "/v1/models/emotion_ai/metadata", method: "GET") { response in
                XCTAssertEqual(response.status, 200)
                let root = try decode(response)
                let signature = ((root["metadata"] as? [String: Any])?["signature_def"] as? [String: Any])?["signature_def"] as? [String: Any]
                let serving = signature?["serving_default"] as? [String: Any]
                func dims(_ group: String, _ name: String) -> [String] {
                    let t = (serving?[group] as? [String: Any])?[name] as? [String: Any]
                    return ((t?["tensor_shape"] as? [String: Any])?["dim"] as? [[String: Any]])?.compactMap { $0["size"] as? String } ?? []
                }
                XCTAssertEqual(dims("inputs", "image"), ["-1", "96", "96", "1"])
                XCTAssertEqual(dims("outputs", "keypoints"), ["-1", "30"])
                XCTAssertEqual(dims("outputs", "probabilities"), ["-1", "5"])
            }
        }
    }

    func testInstancesGetTheModelsOwnAnswers() throws {
        let (server, predictor) = try server()
        let a = face(1), b = face(2)
        let expected = try predictor.predict(try Tensor(shape: [2, 1, 96, 96], scalars: (a + b).flatMap { $0 }))
        try app(server).test { client in
            // One face nested [96][96], the other flat [9216].
            let request = try body(["instances": [a, b.flatMap { $0 }]])
            try client.execute(uri: "/v1/models/emotion_ai:predict", method: "POST", body: request) { response in
                XCTAssertEqual(response.status, 200)
                let predictions = try decode(response)["predictions"] as? [[String: Any]] ?? []
                XCTAssertEqual(predictions.count, 2)
                for (p, e) in zip(predictions, expected) {
                    XCTAssertEqual((p["keypoints"] as? [NSNumber])?.map(\.floatValue), e.keypoints)
                    XCTAssertEqual((p["probabilities"] as? [NSNumber])?.map(\.floatValue), e.probabilities)
                    XCTAssertEqual(p["emotion"] as? String, e.emotion)
                }
            }
        }
    }

    func testColumnarInputsGetColumnarOutputs() throws {
        let (server, predictor) = try server()
        let a = face(3)
        let expected = try predictor.predict(try Tensor(shape: [1, 1, 96, 96], scalars: a.flatMap { $0 }))
        try app(server).test { client in
            let request = try body(["inputs": ["image": [a.map { $0.map { [$0] } }]]])  // [1, 96, 96, 1]
            try client.execute(uri: "/v1/models/emotion_ai/versions/1:predict", method: "POST", body: request) { response in
                XCTAssertEqual(response.status, 200)
                let outputs = try decode(response)["outputs"] as? [String: Any]
                XCTAssertEqual((outputs?["keypoints"] as? [[NSNumber]])?.first?.map(\.floatValue), expected[0].keypoints)
                XCTAssertEqual(outputs?["emotion"] as? [String], [expected[0].emotion ?? ""])
            }
        }
    }

    func testBase64PicturesAreDecodedLikePhotos() throws {
        let (server, predictor) = try server()
        // A 120×100 PNG: centre-cropped to 100×100, then resized to 96×96.
        var rng = RandomGenerator(seed: 4)
        let pixels = (0..<(120 * 100)).map { _ in UInt8(rng.nextFloat(in: 0, 255)) }
        let png = PNGEncoder.encode(width: 120, height: 100, colorType: .gray, bytes: pixels)
        let faceImage = try FacePhotosReference.face(png)
        let expected = try predictor.predict(try Tensor(shape: [1, 1, 96, 96], scalars: faceImage))
        try app(server).test { client in
            let request = try body(["instances": [["b64": Data(png).base64EncodedString()]]])
            try client.execute(uri: "/v1/models/emotion_ai:predict", method: "POST", body: request) { response in
                XCTAssertEqual(response.status, 200)
                let p = (try decode(response)["predictions"] as? [[String: Any]])?.first
                XCTAssertEqual((p?["keypoints"] as? [NSNumber])?.map(\.floatValue), expected[0].keypoints)
            }
        }
    }

    func testBadRequestsAre400WithAnError() throws {
        let (server, _) = try server(maxBodyBytes: 400_000)
        let good = face(5)
        let png = PNGEncoder.encode(width: 8, height: 8, colorType: .gray, bytes: [UInt8](repeating: 7, count: 64))
        let cut = String(Data(png).base64EncodedString().dropLast(7))
        let cases: [(String, [UInt8])] = [
            ("not JSON", Array("{\"instances\": [1, 2".utf8)),
            ("a list at the top", Array("[1, 2, 3]".utf8)),
            ("no instances", Array("{\"faces\": []}".utf8)),
            ("empty instances", Array("{\"instances\": []}".utf8)),
            ("both formats", try body(["instances": [good], "inputs": [good]])),
            ("wrong shape", try body(["instances": [[[1, 2], [3, 4]]]])),
            ("ragged rows", try body(["instances": [good.enumerated().map { $0.offset == 5 ? Array($0.element.dropLast()) : $0.element }]])),
            ("pixel out of range", try body(["instances": [good.enumerated().map { $0.offset == 0 ? [300] + $0.element.dropFirst() : $0.element }]])),
            ("a string pixel", Array("{\"instances\": [[\"a\"]]}".utf8)),
            ("truncated base64", try body(["instances": [["b64": cut]]])),
            ("base64 of no picture", try body(["instances": [["b64": Data("hello world".utf8).base64EncodedString()]]])),
            ("too many faces", try body(["instances": Array(repeating: [Float](repeating: 0, count: 9216), count: 17)])),
            ("an unknown signature", try body(["signature_name": "classify", "instances": [good]])),
        ]
        try app(server).test { client in
            for (what, request) in cases {
                try client.execute(uri: "/v1/models/emotion_ai:predict", method: "POST", body: request) { response in
                    XCTAssertEqual(response.status, 400, what)
                    XCTAssertFalse((try decode(response)["error"] as? String ?? "").isEmpty, what)
                }
            }
            let tooLarge = Array(("{\"instances\": [" + String(repeating: "0,", count: 250_000) + "0]}").utf8)
            try client.execute(uri: "/v1/models/emotion_ai:predict", method: "POST", body: tooLarge) { response in
                XCTAssertEqual(response.status, 413)
                XCTAssertEqual(try decode(response)["error"] as? String, "the body has \(tooLarge.count) bytes; at most 400000")
            }
            // Still answering afterwards.
            try client.execute(uri: "/v1/models/emotion_ai:predict", method: "POST", body: try body(["instances": [good]])) { response in
                XCTAssertEqual(response.status, 200)
            }
            try client.execute(uri: "/v1/models/emotion_ai:classify", method: "POST", body: try body(["instances": [good]])) { response in
                XCTAssertEqual(response.status, 400)
            }
        }
    }

    func testConcurrentRequestsEachGetTheirOwnFaces() throws {
        let predictor = try FacePredictor(path: modelPath)
        let batcher = PredictionBatcher(try FacePredictor(path: modelPath), maxBatch: 4)
        let faces = (0..<6).map { face(UInt64(10 + $0)).flatMap { $0 } }
        let expected = try predictor.predict(try Tensor(shape: [6, 1, 96, 96], scalars: faces.flatMap { $0 }))
        let answers = try concurrently(faces.count) { i in try batcher.predict(pixels: faces[i], count: 1) }
        for i in 0..<6 {
            XCTAssertEqual(answers[i].first?.keypoints ?? [], expected[i].keypoints, accuracy: 1e-5, "face \(i)")
        }
        let histogram = batcher.batchHistogram
        XCTAssertEqual(histogram.reduce(0) { $0 + $1.key * $1.value }, 6)
        XCTAssertTrue(histogram.keys.allSatisfy { $0 <= 4 })
    }

    func testFacesArrivingTogetherWaitForOneBatch() throws {
        // Four requests sent at once: the first waits (up to the timeout) for the others, so
        // the model runs once on all four instead of once on the first and again on the rest.
        let batcher = PredictionBatcher(try FacePredictor(path: modelPath), maxBatch: 4, batchTimeout: .seconds(5))
        let faces = (0..<4).map { face(UInt64(20 + $0)).flatMap { $0 } }
        let counts = try concurrently(faces.count) { i in try batcher.predict(pixels: faces[i], count: 1).count }
        XCTAssertEqual(counts, [1, 1, 1, 1])
        XCTAssertEqual(batcher.batchHistogram, [4: 1])
    }

    func testClientsConnectedAtOnceShareOneModelCall() throws {
        // Four clients on four connections: their faces wait for each other and run as one batch.
        let batcher = PredictionBatcher(try FacePredictor(path: modelPath), maxBatch: 4, batchTimeout: .seconds(5))
        let server = ModelServer(name: "emotion_ai", batcher: batcher)
        let requests = try (0..<4).map { try body(["instances": [face(UInt64(30 + $0))]]) }
        try LiveServer(server).test { client in
            let statuses = try concurrently(4) { i in
                var status = 0
                try client.execute(uri: "/v1/models/emotion_ai:predict", method: "POST", body: requests[i]) { status = $0.status }
                return status
            }
            XCTAssertEqual(statuses, [200, 200, 200, 200])
        }
        XCTAssertEqual(batcher.batchHistogram, [4: 1])
    }

    func testOtherMethodsAre405WithTheAllowedOne() throws {
        let (server, _) = try server()
        try app(server).test { client in
            let connection = try client.connect()
            // HEAD gets its 405 without a body, so the GET after it on the same connection parses.
            connection.send("HEAD /v1/models/emotion_ai HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/models/emotion_ai HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = try connection.readResponse(withBody: false)
            XCTAssertEqual(head.status, 405)
            XCTAssertEqual(head.header("Allow"), "GET")
            XCTAssertEqual(try connection.readResponse().status, 200)
            for (method, uri, allow) in [("DELETE", "/v1/models/emotion_ai:predict", "POST"), ("BREW", "/v1/models/emotion_ai/metadata", "GET"),
                                         ("GET", "/v1/models/emotion_ai/versions/1:predict", "POST"), ("POST", "/v1/models/emotion_ai", "GET")] {
                try client.execute(uri: uri, method: method) { response in
                    XCTAssertEqual(response.status, 405, "\(method) \(uri)")
                    XCTAssertEqual(response.header("Allow"), allow, "\(method) \(uri)")
                    XCTAssertFalse((try decode(response)["error"] as? String ?? "").isEmpty)
                }
            }
            try client.execute(uri: "/v2/other", method: "GET") { XCTAssertEqual($0.status, 404) }
            try client.execute(uri: "/v1/models/emotion_ai/versions/2", method: "GET") { XCTAssertEqual($0.status, 404) }
        }
    }
}

/// Runs `work(0)` … `work(n - 1)` each on its own thread, all at once (as connection threads
/// do), and returns their results in order.
func concurrently<T>(_ n: Int, _ work: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    let results = ThreadResults<T>(n)
    let group = DispatchGroup()
    for i in 0..<n {
        group.enter()
        Thread {
            let result = Result { try work(i) }
            results.lock.withLock { results.items[i] = result }
            group.leave()
        }.start()
    }
    guard group.wait(timeout: .now() + 60) == .success else { throw LiveError("the threads did not finish in 60 s") }
    return try results.lock.withLock { results.items }.map { result in
        guard let result else { throw LiveError("a thread gave no result") }
        return try result.get()
    }
}

/// The results of `concurrently`'s threads, each written under the lock.
final class ThreadResults<T>: @unchecked Sendable {
    let lock = NSLock()
    var items: [Result<T, Error>?]
    init(_ n: Int) { items = Array(repeating: nil, count: n) }
}

/// What the server must do with a b64 picture, written with the readers directly.
enum FacePhotosReference {
    static func face(_ png: [UInt8]) throws -> [Float] {
        try FacePhotos.face(try PictureDecoder.decodeGray(png, source: "reference"), size: 96).pixels.map(Float.init)
    }
}

private func XCTAssertEqual(_ a: [Float], _ b: [Float], accuracy: Float, _ message: String) {
    XCTAssertEqual(a.count, b.count, message)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, message) }
}
