import Neural
import Tensor
import XCTest

final class LayerTests: XCTestCase {
    func testDropoutIsSeededScaledAndOffInEval() throws {
        let x = Tensor.ones([1000])
        let a = Dropout(0.25, seed: 3), b = Dropout(0.25, seed: 3)
        let ya = try a(x), yb = try b(x)
        XCTAssertEqual(ya.scalars, yb.scalars)
        let kept = ya.scalars.filter { $0 != 0 }
        XCTAssertEqual(Float(kept.count) / 1000, 0.75, accuracy: 0.05)
        XCTAssertTrue(kept.allSatisfy { Swift.abs($0 - 1 / 0.75) < 1e-6 })
        a.eval()
        XCTAssertEqual(try a(x).scalars, x.scalars)
    }

    func testShapesOfThePlumbingLayers() throws {
        let x = Tensor.zeros([2, 3, 10, 10])
        XCTAssertEqual(try ZeroPad2D((3, 3))(x).shape, [2, 3, 16, 16])
        XCTAssertEqual(try MaxPool2D((3, 3), stride: (2, 2))(x).shape, [2, 3, 4, 4])
        XCTAssertEqual(try AvgPool2D((2, 2))(x).shape, [2, 3, 5, 5])
        XCTAssertEqual(try Flatten()(x).shape, [2, 300])
        var rng = RandomGenerator(seed: 1)
        let conv = Conv2D(3, 5, kernel: (3, 3), padding: .same, rng: &rng)
        XCTAssertEqual(try conv(x).shape, [2, 5, 10, 10])
        XCTAssertEqual(try conv.outputShape(x.shape), [2, 5, 10, 10])
        XCTAssertThrowsError(try conv.outputShape([2, 4, 10, 10]))
    }

    func testActivationLayers() throws {
        let x = try Tensor([[-1, 0, 2]])
        XCTAssertEqual(try ReLU()(x).scalars, [0, 0, 2])
        XCTAssertEqual(try GELU()(x).scalars[2], 2 * 0.977_249_9, accuracy: 1e-5)
        XCTAssertEqual(try Sigmoid()(x).scalars[1], 0.5)
        XCTAssertEqual(try Softmax()(x).scalars.reduce(0, +), 1, accuracy: 1e-6)
    }

    func testBatchNormKeepsKerasDefaultsAndUpdatesRunningStatistics() throws {
        let bn = BatchNorm(2)
        XCTAssertEqual(bn.momentum, 0.01)
        XCTAssertEqual(bn.epsilon, 1e-3)
        let x = try Tensor(shape: [2, 2, 1, 1], scalars: [1, 10, 3, 20])
        _ = try bn(x)
        // new = 0.99·old + 0.01·batch (mean 2 and 15; unbiased variance 2 and 50).
        XCTAssertEqual(bn.runningMean.value.scalars[0], 0.02, accuracy: 1e-6)
        XCTAssertEqual(bn.runningVar.value.scalars[1], 0.99 + 0.5, accuracy: 1e-5)
        XCTAssertEqual(bn.namedParameters().map(\.0), ["weight", "bias", "running_mean", "running_var"])
    }

    func testStandardizeBringsEachSampleToZeroMeanAndUnitDeviation() throws {
        // Two samples of 4 values: 1, 2, 3, 4 and a flat one.
        let x = try Tensor(shape: [2, 1, 2, 2], scalars: [1, 2, 3, 4, 7, 7, 7, 7])
        let y = try Standardize(epsilon: 1e-3)(x).scalars
        // Mean 2.5, variance 1.25: (v − 2.5) / √1.251.
        let sd = Float(1.251).squareRoot()
        for (k, v) in [Float(1), 2, 3, 4].enumerated() { XCTAssertEqual(y[k], (v - 2.5) / sd, accuracy: 1e-5) }
        // A flat sample becomes zeros, not NaN.
        XCTAssertEqual(Array(y[4...]), [0, 0, 0, 0])
    }

    func testStandardizeIgnoresExposureAndContrast() throws {
        var rng = RandomGenerator(seed: 5)
        let x = try Tensor(shape: [1, 1, 6, 6], scalars: (0..<36).map { _ in rng.nextFloat(in: 0.2, 0.6) })
        let brighter = try Tensor(shape: x.shape, scalars: x.scalars.map { 0.1 + 1.5 * $0 })
        let layer = Standardize(epsilon: 1e-6)
        for (a, b) in zip(try layer(x).scalars, try layer(brighter).scalars) { XCTAssertEqual(a, b, accuracy: 1e-3) }
    }

    func testStandardizeKeepsItsEpsilonInTheCheckpoint() throws {
        let layer = Standardize(epsilon: 0.01)
        XCTAssertEqual(layer.stateDict().map(\.0), ["epsilon"])
        XCTAssertEqual(layer.stateDict()[0].1.scalars, [0.01])
        XCTAssertEqual(layer.trainableParameterCount, 0)
    }
}
