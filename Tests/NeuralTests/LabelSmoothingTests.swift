import Neural
import Tensor
import XCTest

/// Cross-entropy with label smoothing against PyTorch's
/// `F.cross_entropy(logits, labels, weight=..., label_smoothing=0.1)` (Fixtures/label_smoothing.safetensors).
final class LabelSmoothingTests: XCTestCase {
    func fixture() throws -> (logits: Tensor, labels: [Int], weights: [Float], io: [String: Tensor]) {
        let io = try Fixtures.load("label_smoothing.safetensors")
        let labels = try XCTUnwrap(io["labels"]).scalars.map { Int($0) }
        return (try XCTUnwrap(io["logits"]), labels, try XCTUnwrap(io["weights"]).scalars, io)
    }

    func testLossAndGradientMatchPyTorch() throws {
        let (logits, labels, weights, io) = try fixture()
        for (name, w) in [("plain", nil), ("weighted", weights)] as [(String, [Float]?)] {
            let x = logits.requiringGrad()
            let loss = try Loss.crossEntropy(weights: w, smoothing: 0.1)(x, .labels(labels))
            XCTAssertEqual(loss.scalars[0], try XCTUnwrap(io["\(name).loss"]).scalars[0], accuracy: 1e-5, name)
            let grad = try gradients(of: loss, wrt: [x])[0]
            assertClose(grad, try XCTUnwrap(io["\(name).grad"]), rtol: 1e-4, atol: 1e-6, name)
            // The gradient built from recorded ops (to differentiate again) is the same.
            let graphed = try gradients(of: try Loss.crossEntropy(weights: w, smoothing: 0.1)(x, .labels(labels)), wrt: [x], createGraph: true)[0]
            assertClose(graphed.detached, grad, rtol: 1e-4, atol: 1e-6, name)
        }
        // Smoothing changes the loss by far more than the tolerance above: without it the fixture's loss is not reached.
        let bare = try Loss.crossEntropy(weights: weights)(logits, .labels(labels)).scalars[0]
        XCTAssertGreaterThan(Swift.abs(bare - (try XCTUnwrap(io["weighted.loss"]).scalars[0])), 1e-3)
    }

    func testHandWrittenGradientAgreesWithFiniteDifferences() throws {
        let (logits, labels, weights, _) = try fixture()
        let f: (Tensor) throws -> Float = { try crossEntropy($0, labels: labels, weights: weights, smoothing: 0.3).scalars[0] }
        let x = logits.requiringGrad()
        let analytic = try gradients(of: try crossEntropy(x, labels: labels, weights: weights, smoothing: 0.3), wrt: [x])[0]
        for i in 0..<logits.count {
            // Central differences at h and h/2, Richardson-extrapolated (float32 losses).
            func d(_ h: Float) throws -> Float {
                var up = logits.scalars, down = logits.scalars
                up[i] += h
                down[i] -= h
                return (try f(try Tensor(shape: logits.shape, scalars: up)) - f(try Tensor(shape: logits.shape, scalars: down))) / (2 * h)
            }
            let fd = (4 * (try d(0.01)) - (try d(0.02))) / 3
            let an = analytic.scalars[i]
            XCTAssertEqual(fd, an, accuracy: 5e-4 + 5e-3 * Swift.abs(an), "logit \(i)")
        }
    }

    func testNoSmoothingIsThePlainLossAndBadValuesAreRefused() throws {
        let (logits, labels, weights, _) = try fixture()
        XCTAssertEqual(try crossEntropy(logits, labels: labels, weights: weights, smoothing: 0).scalars[0],
                       try crossEntropy(logits, labels: labels, weights: weights).scalars[0])
        XCTAssertThrowsError(try crossEntropy(logits, labels: labels, smoothing: 1.5))
        XCTAssertThrowsError(try crossEntropy(logits, labels: labels, smoothing: -0.1))
    }
}
