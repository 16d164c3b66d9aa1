import Deploy
import Foundation
import Graphics
import Hummingbird
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

private func body(_ object: Any) throws -> ByteBuffer {
    ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
}

private func decode(_ response: LiveResponse) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
    return object as? [String: Any] ?? [:]
}

final class ServeTests: XCTestCase {
    private func server(maxBodyBytes: Int = 16 << 20) throws -> (ModelServer, FacePredictor) {
        let predictor = try FacePredictor(path: modelPath)
        let server = ModelServer(name: "emotion_ai", batcher: PredictionBatcher(try FacePredictor(path: modelPath), maxBatch: 8),
                                 maxBodyBytes: maxBodyBytes, maxFaces: 16)
        return (server, predictor)
    }

    private func app(_ server: ModelServer) -> LiveServer { LiveServer(server: server) }

    func testStatusSaysTheOnlyVersionIsAvailable() async throws {
        let (server, _) = try server()
        try await app(server).test(.router) { client in
            try await client.execute(uri: "/v1/models/emotion_ai", method: .get) { response in
                XCTAssertEqual(response.status, .ok)
                let status = try decode(response)["model_version_status"] as? [[String: Any]]
                XCTAssertEqual(status?.first?["version"] as? String, "1")
                XCTAssertEqual(status?.first?["state"] as? String, "AVAILABLE")
            }
            try await client.execute(uri: "/v1/models/other", method: .get) { response in
                XCTAssertEqual(response.status, .notFound)
                XCTAssertNotNil(try decode(response)["error"] as? String)
            }
        }
    }

    func testMetadataGivesInputAndOutputShapes() async throws {
        let (server, _) = try server()
        try await app(server).test(.router) { client in
            try await client.execute(uri: "/v1/models/emotion_ai/metadata", method: .get) { response in
                XCTAssertEqual(response.status, .ok)
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

    func testInstancesGetTheModelsOwnAnswers() async throws {
        let (server, predictor) = try server()
        let a = face(1), b = face(2)
        let expected = try predictor.predict(try Tensor(shape: [2, 1, 96, 96], scalars: (a + b).flatMap { $0 }))
        try await app(server).test(.router) { client in
            // One face nested [96][96], the other flat [9216].
            let request = try body(["instances": [a, b.flatMap { $0 }]])
            try await client.execute(uri: "/v1/models/emotion_ai:predict", method: .post, body: request) { response in
                XCTAssertEqual(response.status, .ok)
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

    func testColumnarInputsGetColumnarOutputs() async throws {
        let (server, predictor) = try server()
        let a = face(3)
        let expected = try predictor.predict(try Tensor(shape: [1, 1, 96, 96], scalars: a.flatMap { $0 }))
        try await app(server).test(.router) { client in
            let request = try body(["inputs": ["image": [a.map { $0.map { [$0] } }]]])  // [1, 96, 96, 1]
            try await client.execute(uri: "/v1/models/emotion_ai/versions/1:predict", method: .post, body: request) { response in
                XCTAssertEqual(response.status, .ok)
                let outputs = try decode(response)["outputs"] as? [String: Any]
                XCTAssertEqual((outputs?["keypoints"] as? [[NSNumber]])?.first?.map(\.floatValue), expected[0].keypoints)
                XCTAssertEqual(outputs?["emotion"] as? [String], [expected[0].emotion ?? ""])
            }
        }
    }

    func testBase64PicturesAreDecodedLikePhotos() async throws {
        let (server, predictor) = try server()
        // A 120×100 PNG: centre-cropped to 100×100, then resized to 96×96.
        var rng = RandomGenerator(seed: 4)
        let pixels = (0..<(120 * 100)).map { _ in UInt8(rng.nextFloat(in: 0, 255)) }
        let png = PNGEncoder.encode(width: 120, height: 100, colorType: .gray, bytes: pixels)
        let faceImage = try FacePhotosReference.face(png)
        let expected = try predictor.predict(try Tensor(shape: [1, 1, 96, 96], scalars: faceImage))
        try await app(server).test(.router) { client in
            let request = try body(["instances": [["b64": Data(png).base64EncodedString()]]])
            try await client.execute(uri: "/v1/models/emotion_ai:predict", method: .post, body: request) { response in
                XCTAssertEqual(response.status, .ok)
                let p = (try decode(response)["predictions"] as? [[String: Any]])?.first
                XCTAssertEqual((p?["keypoints"] as? [NSNumber])?.map(\.floatValue), expected[0].keypoints)
            }
        }
    }

    func testBadRequestsAre400WithAnError() async throws {
        let (server, _) = try server(maxBodyBytes: 200_000)
        let good = face(5)
        let png = PNGEncoder.encode(width: 8, height: 8, colorType: .gray, bytes: [UInt8](repeating: 7, count: 64))
        let cut = String(Data(png).base64EncodedString().dropLast(7))
        let cases: [(String, ByteBuffer)] = [
            ("not JSON", ByteBuffer(string: "{\"instances\": [1, 2")),
            ("a list at the top", ByteBuffer(string: "[1, 2, 3]")),
            ("no instances", ByteBuffer(string: "{\"faces\": []}")),
            ("empty instances", ByteBuffer(string: "{\"instances\": []}")),
            ("both formats", try body(["instances": [good], "inputs": [good]])),
            ("wrong shape", try body(["instances": [[[1, 2], [3, 4]]]])),
            ("ragged rows", try body(["instances": [good.enumerated().map { $0.offset == 5 ? Array($0.element.dropLast()) : $0.element }]])),
            ("pixel out of range", try body(["instances": [good.enumerated().map { $0.offset == 0 ? [300] + $0.element.dropFirst() : $0.element }]])),
            ("a string pixel", ByteBuffer(string: "{\"instances\": [[\"a\"]]}")),
            ("truncated base64", try body(["instances": [["b64": cut]]])),
            ("base64 of no picture", try body(["instances": [["b64": Data("hello world".utf8).base64EncodedString()]]])),
            ("too many faces", try body(["instances": Array(repeating: [Float](repeating: 0, count: 9216), count: 17)])),
            ("too large a body", ByteBuffer(string: "{\"instances\": [" + String(repeating: "0,", count: 150_000) + "0]}")),
            ("an unknown signature", try body(["signature_name": "classify", "instances": [good]])),
        ]
        try await app(server).test(.router) { client in
            for (what, request) in cases {
                try await client.execute(uri: "/v1/models/emotion_ai:predict", method: .post, body: request) { response in
                    XCTAssertEqual(response.status, .badRequest, what)
                    XCTAssertFalse((try decode(response)["error"] as? String ?? "").isEmpty, what)
                }
            }
            // Still answering afterwards.
            try await client.execute(uri: "/v1/models/emotion_ai:predict", method: .post, body: try body(["instances": [good]])) { response in
                XCTAssertEqual(response.status, .ok)
            }
            try await client.execute(uri: "/v1/models/emotion_ai:classify", method: .post, body: try body(["instances": [good]])) { response in
                XCTAssertEqual(response.status, .badRequest)
            }
        }
    }

    func testConcurrentRequestsEachGetTheirOwnFaces() async throws {
        let predictor = try FacePredictor(path: modelPath)
        let batcher = PredictionBatcher(try FacePredictor(path: modelPath), maxBatch: 4)
        let faces = (0..<6).map { face(UInt64(10 + $0)).flatMap { $0 } }
        let expected = try predictor.predict(try Tensor(shape: [6, 1, 96, 96], scalars: faces.flatMap { $0 }))
        let answers = try await withThrowingTaskGroup(of: (Int, [FacePrediction]).self) { group in
            for (i, f) in faces.enumerated() {
                group.addTask { (i, try await batcher.predict(pixels: f, count: 1)) }
            }
            var out: [Int: [FacePrediction]] = [:]
            for try await (i, p) in group { out[i] = p }
            return out
        }
        for i in 0..<6 {
            XCTAssertEqual(answers[i]?.first?.keypoints ?? [], expected[i].keypoints, accuracy: 1e-5, "face \(i)")
        }
        let histogram = batcher.batchHistogram
        XCTAssertEqual(histogram.reduce(0) { $0 + $1.key * $1.value }, 6)
        XCTAssertTrue(histogram.keys.allSatisfy { $0 <= 4 })
    }

    func testFacesArrivingTogetherWaitForOneBatch() async throws {
        // Four requests sent at once: the first waits (up to the timeout) for the others, so
        // the model runs once on all four instead of once on the first and again on the rest.
        let batcher = PredictionBatcher(try FacePredictor(path: modelPath), maxBatch: 4, batchTimeout: .seconds(5))
        let faces = (0..<4).map { face(UInt64(20 + $0)).flatMap { $0 } }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for f in faces { group.addTask { try await batcher.predict(pixels: f, count: 1).count } }
            for try await n in group { XCTAssertEqual(n, 1) }
        }
        XCTAssertEqual(batcher.batchHistogram, [4: 1])
    }
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
