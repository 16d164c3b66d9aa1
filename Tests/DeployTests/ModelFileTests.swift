import Deploy
import Foundation
import Neural
import Tensor
import XCTest

/// Small course ResNets (the course's structure, tiny widths) and a scratch file for them.
enum TinyModels {
    static func keypoints() -> ResNetConfig {
        var c = ResNetConfig.keypoints()
        c.stemFilters = 4
        c.stages = [[2, 2, 4], [2, 2, 6]]
        c.hidden = [8]
        c.dropout = [0.2]
        return c
    }

    static func emotions() -> ResNetConfig {
        var c = ResNetConfig.emotions(classes: 5)
        c.stemFilters = 3
        c.stages = [[2, 2, 4], [3, 3, 5]]
        return c
    }

    /// A fused tiny model with non-trivial batch-norm statistics, saved to a temporary file.
    static func savedFused() throws -> (model: FaceModel, path: String) {
        let model = FaceModel(keypoints: try courseResNet(keypoints(), seed: 3), emotions: try courseResNet(emotions(), seed: 4))
        var rng = RandomGenerator(seed: 9)
        for (name, p) in model.namedParameters() where name.hasSuffix("running_var") || name.hasSuffix("running_mean") {
            let base: Float = name.hasSuffix("running_var") ? 0.5 : -0.2
            try p.assign((0..<p.count).map { _ in base + rng.nextFloat(in: 0, 1) })
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ainb-deploy-\(UUID().uuidString).safetensors").path
        try model.save(to: URL(fileURLWithPath: path))
        return (model, path)
    }

    /// Seeded faces [n, 1, 96, 96] with values 0–255.
    static func faces(_ n: Int, seed: UInt64 = 1) throws -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return try Tensor(shape: [n, 1, 96, 96], scalars: (0..<(n * 96 * 96)).map { _ in rng.nextFloat(in: 0, 255) })
    }
}

final class ModelFileTests: XCTestCase {
    func testAFusedFileIsRebuiltWithItsArchitecture() throws {
        let (_, path) = try TinyModels.savedFused()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try ModelFile(path: path)
        XCTAssertEqual(file.kind, .fused)
        XCTAssertEqual(file.classCount, 5)
        XCTAssertEqual(file.configs[0].stemFilters, 4)
        XCTAssertEqual(file.configs[0].stages, [[2, 2, 4], [2, 2, 6]])
        XCTAssertEqual(file.configs[0].hidden, [8])
        XCTAssertEqual(file.configs[0].averagePool, 2)
        XCTAssertEqual(file.configs[1].stages, [[2, 2, 4], [3, 3, 5]])
        XCTAssertEqual(file.configs[1].averagePool, 4)
        XCTAssertEqual(file.inputShape, [1, 96, 96])
    }

    func testPredictionsMatchTheOriginalModel() throws {
        let (model, path) = try TinyModels.savedFused()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let faces = try TinyModels.faces(3)
        let predictor = try FacePredictor(path: path)
        let answers = try predictor.predict(faces)
        let scaled = try Tensor(shape: faces.shape, scalars: faces.scalars.map { $0 / 255 })
        let (points, probabilities) = try model.predict(scaled)
        XCTAssertEqual(answers.count, 3)
        XCTAssertEqual(answers.flatMap(\.keypoints), points.scalars)
        XCTAssertEqual(answers.flatMap(\.probabilities), probabilities.scalars)
        let best = try predictedClasses(probabilities)
        XCTAssertEqual(answers.map(\.emotion), best.map { ["anger", "disgust", "sad", "happiness", "surprise"][$0] })
    }

    func testASingleEmotionModelAnswersWithoutPoints() throws {
        let model = try courseResNet(TinyModels.emotions(), seed: 2)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ainb-deploy-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.save(to: URL(fileURLWithPath: path))
        let predictor = try FacePredictor(path: path)
        XCTAssertEqual(predictor.model.kind, .emotions)
        let answer = try predictor.predict(try TinyModels.faces(1))[0]
        XCTAssertEqual(answer.keypoints, [])
        XCTAssertEqual(answer.probabilities.count, 5)
        XCTAssertEqual(Double(answer.probabilities.reduce(0, +)), 1, accuracy: 1e-5)
    }

    func testAStandardizingEmotionModelIsRebuiltWithItsStandardizeLayer() throws {
        var config = TinyModels.emotions()
        config.standardizeInput = true
        let model = try courseResNet(config, seed: 2)
        XCTAssertEqual(model.layers.first?.0, "standardize")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ainb-deploy-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.save(to: URL(fileURLWithPath: path))
        let file = try ModelFile(path: path)
        XCTAssertTrue(file.configs[0].standardizeInput)
        let (_, plainPath) = try TinyModels.savedFused()
        defer { try? FileManager.default.removeItem(atPath: plainPath) }
        XCTAssertFalse(try ModelFile(path: plainPath).configs[1].standardizeInput)
        // The same answers as the original, and nearly the same for a brighter, flatter copy of
        // the faces (ε keeps them from being exactly the same).
        let faces = try TinyModels.faces(2)
        let dim = try Tensor(shape: faces.shape, scalars: faces.scalars.map { 10 + 0.9 * $0 })
        model.eval()
        let expected = try softmax(try model(try Tensor(shape: faces.shape, scalars: faces.scalars.map { $0 / 255 })), axis: 1).scalars
        let predictor = FacePredictor(file)
        XCTAssertEqual(try predictor.predict(faces).flatMap(\.probabilities), expected)
        for (a, b) in zip(try predictor.predict(dim).flatMap(\.probabilities), expected) { XCTAssertEqual(a, b, accuracy: 1e-3) }
    }

    func testWrongFaceShapesAreRefused() throws {
        let (_, path) = try TinyModels.savedFused()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let predictor = try FacePredictor(path: path)
        XCTAssertThrowsError(try predictor.predict(try Tensor(shape: [1, 1, 48, 48], scalars: [Float](repeating: 0, count: 48 * 48))))
    }

    func testAFileOfAnotherModelIsAnErrorNamingIt() throws {
        var rng = RandomGenerator(seed: 1)
        let other = Sequential([("fc", Dense(4, 2, rng: &rng))])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ainb-deploy-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try other.save(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ModelFile(path: path)) { error in
            guard case .notACourseModel(let p, _)? = error as? DeployError else { return XCTFail("\(error)") }
            XCTAssertEqual(p, path)
        }
    }
}
