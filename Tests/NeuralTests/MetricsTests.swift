import Neural
import Tensor
import XCTest

final class MetricsTests: XCTestCase {
    func testKeypointErrorsInPixelsAndInterOcular() throws {
        // Two points: left eye (60, 40), right eye (40, 40): inter-ocular distance 20.
        let target = try Tensor([[60, 40, 40, 40]])
        let prediction = try Tensor([[63, 44, 40, 40]])  // first point off by 5 px
        let e = try KeypointErrors(prediction: prediction, target: target)
        XCTAssertEqual(e.rmse, (25.0 / 4.0).squareRoot(), accuracy: 1e-5)
        XCTAssertEqual(e.perKeypoint, [5, 0])
        XCTAssertEqual(e.meanDistance, 2.5, accuracy: 1e-6)
        XCTAssertEqual(e.normalized, 2.5 / 20, accuracy: 1e-6)
    }

    func testClassificationReport() throws {
        let r = try ClassificationReport(predicted: [0, 0, 1, 1, 2, 0], labels: [0, 1, 1, 1, 2, 2], classes: 3)
        XCTAssertEqual(r.confusion, [[1, 0, 0], [1, 2, 0], [1, 0, 1]])
        XCTAssertEqual(r.accuracy, 4.0 / 6.0, accuracy: 1e-6)
        XCTAssertEqual(r.precision[0], 1.0 / 3.0, accuracy: 1e-6)
        XCTAssertEqual(r.recall[1], 2.0 / 3.0, accuracy: 1e-6)
        XCTAssertEqual(r.f1[2], 2 * 1 * 0.5 / 1.5, accuracy: 1e-6)
        XCTAssertEqual(r.support, [1, 3, 2])
        XCTAssertEqual(r.macroF1, (0.5 + 0.8 + 2.0 / 3.0) / 3, accuracy: 1e-6)
        XCTAssertThrowsError(try ClassificationReport(predicted: [3], labels: [0], classes: 3))
    }

    func testBalancedClassWeightsFollowScikitLearn() {
        // The course's counts: anger, disgust, sad, happiness, surprise.
        let w = balancedClassWeights(counts: [4953, 547, 6077, 8989, 4002])
        XCTAssertEqual(w[1], 24568 / (5 * 547.0), accuracy: 1e-3)
        XCTAssertGreaterThan(w[1], w[3] * 10)
        XCTAssertEqual(classCounts([0, 2, 2, 9], classes: 3), [1, 0, 2])
    }

    func testAccuracyAndLossesAgreeWithHandValues() throws {
        let logits = try Tensor([[2, 1, 0], [0, 0, 3]])
        XCTAssertEqual(try accuracy(logits, labels: [0, 1]), 0.5)
        XCTAssertEqual(try predictedClasses(logits), [0, 2])
        let ce = try Loss.crossEntropy(logits, .labels([0, 2])).item ?? 0
        let expected = (-log(exp(2.0) / (exp(2.0) + exp(1.0) + 1)) - log(exp(3.0) / (2 + exp(3.0)))) / 2
        XCTAssertEqual(Double(ce), expected, accuracy: 1e-5)
        XCTAssertThrowsError(try Loss.mse(logits, .labels([0, 2])))
    }
}
