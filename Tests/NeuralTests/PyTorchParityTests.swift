import Neural
import Tensor
import XCTest

/// The reduced-width course ResNets against PyTorch (bench/torch_models.py).
final class PyTorchParityTests: XCTestCase {
    func model(_ name: String, outputs: Int, hidden: [Int]) throws -> Sequential {
        let m = try courseResNet(Fixtures.smallConfig(outputs: outputs, hidden: hidden), seed: 99)
        try m.load(from: Fixtures.url("\(name).safetensors"))
        return m
    }

    func testForwardMatchesPyTorchInEvalAndTrainMode() throws {
        for (name, outputs, hidden) in [("keypoints_small", 30, [32, 16]), ("emotions_small", 5, [])] {
            let io = try Fixtures.load("\(name)_io.safetensors")
            let m = try model(name, outputs: outputs, hidden: hidden)
            let x = try XCTUnwrap(io["input"])
            assertClose(try predict(m, images: x), try XCTUnwrap(io["output_eval"]), rtol: 1e-3, atol: 1e-4, "\(name) eval")
            m.train()
            let train = try GradMode.withoutGradients { try m(x) }
            assertClose(train, try XCTUnwrap(io["output_train"]), rtol: 1e-3, atol: 1e-4, "\(name) train")
        }
    }

    func testForwardAndAdamStepsMatchPyTorchOnThePortableKernels() throws {
        try InstructionSet.withPortableKernels {
            try testForwardMatchesPyTorchInEvalAndTrainMode()
            try testThreeAdamStepsMatchPyTorchOnKeypoints()
        }
    }

    func testThreeAdamStepsMatchPyTorchOnKeypoints() throws {
        let io = try Fixtures.load("keypoints_small_io.safetensors")
        let m = try model("keypoints_small", outputs: 30, hidden: [32, 16])
        let adam = Adam(learningRate: 1e-2, epsilon: 1e-3)
        let expected = try XCTUnwrap(io["adam_losses"]).scalars
        let targets = Targets.values(try XCTUnwrap(io["target"]))
        for step in 0..<3 {
            let loss = try trainStep(m, images: try XCTUnwrap(io["input"]), targets: targets, loss: .mse, optimizer: adam)
            XCTAssertEqual(loss, expected[step], accuracy: 1e-3 * Swift.abs(expected[step]), "step \(step + 1)")
        }
        let after = try GradMode.withoutGradients { try m(try XCTUnwrap(io["input"])) }
        assertClose(after, try XCTUnwrap(io["output_after"]), rtol: 1e-3, atol: 1e-3, "after")
    }

    func testThreeAdamStepsMatchPyTorchOnWeightedEmotions() throws {
        let io = try Fixtures.load("emotions_small_io.safetensors")
        let m = try model("emotions_small", outputs: 5, hidden: [])
        let adam = Adam(learningRate: 1e-2, epsilon: 1e-3)
        let expected = try XCTUnwrap(io["adam_losses"]).scalars
        let labels = try XCTUnwrap(io["target"]).scalars.map { Int($0) }
        let weights = try XCTUnwrap(io["class_weights"]).scalars
        for step in 0..<3 {
            let loss = try trainStep(m, images: try XCTUnwrap(io["input"]), targets: .labels(labels),
                                     loss: .crossEntropy(weights: weights), optimizer: adam)
            XCTAssertEqual(loss, expected[step], accuracy: 1e-3 * Swift.abs(expected[step]), "step \(step + 1)")
        }
        let after = try GradMode.withoutGradients { try m(try XCTUnwrap(io["input"])) }
        assertClose(after, try XCTUnwrap(io["output_after"]), rtol: 1e-3, atol: 1e-3, "after")
    }

    func testOurCheckpointReloadsToTheSameOutputs() throws {
        let io = try Fixtures.load("keypoints_small_io.safetensors")
        let m = try model("keypoints_small", outputs: 30, hidden: [32, 16])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ainb-parity-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try m.save(to: url)
        let copy = try courseResNet(Fixtures.smallConfig(outputs: 30, hidden: [32, 16]), seed: 1)
        try copy.load(from: url)
        let x = try XCTUnwrap(io["input"])
        XCTAssertEqual(try predict(copy, images: x).scalars, try predict(m, images: x).scalars)
    }
}

final class PyTorchGradientTests: XCTestCase {
    func testFirstStepGradientsMatchPyTorch() throws {
        for (name, outputs, hidden) in [("keypoints_small", 30, [32, 16]), ("emotions_small", 5, [])] {
            let io = try Fixtures.load("\(name)_io.safetensors")
            let m = try courseResNet(Fixtures.smallConfig(outputs: outputs, hidden: hidden), seed: 99)
            try m.load(from: Fixtures.url("\(name).safetensors"))
            m.train()
            let target = try XCTUnwrap(io["target"])
            let targets: Targets = outputs == 30 ? .values(target) : .labels(target.scalars.map { Int($0) })
            let loss: Loss = outputs == 30 ? .mse : .crossEntropy(weights: try XCTUnwrap(io["class_weights"]).scalars)
            let result = try lossAndGradients(m, images: try XCTUnwrap(io["input"]), targets: targets, loss: loss)
            let names = m.namedParameters().filter { $0.1.trainable }.map(\.0)
            for (n, g) in zip(names, result.gradients) {
                assertClose(g, try XCTUnwrap(io["grad." + n], n), rtol: 1e-3, atol: 1e-5, "\(name) grad \(n)")
            }
        }
    }
}
