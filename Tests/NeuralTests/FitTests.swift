import Foundation
import Neural
import Tensor
import XCTest

/// `fit`, `evaluate` and `predict` on a tiny regression and classification problem.
final class FitTests: XCTestCase {
    /// 64 8×8 images whose two targets are the mean brightness of the left and right halves.
    func regressionData(seed: UInt64 = 1) throws -> (Tensor, Tensor) {
        let x = Tensor.rand([64, 1, 8, 8], seed: seed)
        var y: [Float] = []
        for i in 0..<64 {
            var left: Float = 0, right: Float = 0
            for r in 0..<8 { for c in 0..<8 { let v = x.scalars[i * 64 + r * 8 + c]; if c < 4 { left += v } else { right += v } } }
            y += [left / 32, right / 32]
        }
        return (x, try Tensor(shape: [64, 2], scalars: y))
    }

    func smallModel(outputs: Int = 2, seed: UInt64 = 3) -> Sequential {
        var rng = RandomGenerator(seed: seed)
        return Sequential([("flatten", Flatten()), ("fc1", Dense(64, 16, rng: &rng)), ("relu", ReLU()),
                           ("bn", BatchNorm(16, momentum: 0.2)), ("out", Dense(16, outputs, rng: &rng))])
    }

    func testFitLowersTheLossAndRecordsEachEpoch() throws {
        let (x, y) = try regressionData()
        let model = smallModel()
        var options = FitOptions()
        options.epochs = 8
        options.batchSize = 16
        options.validationSplit = 0.25
        options.schedule = .stepDecay(stepSize: 4, gamma: 0.5)
        options.progress = false
        let history = try fit(model, images: x, targets: .values(y), loss: .mse, optimizer: Adam(learningRate: 0.01), options: options)
        XCTAssertEqual(history.epochs.count, 8)
        let losses = history.series("loss")
        XCTAssertLessThan(losses.last ?? 1, losses[0] * 0.5)
        XCTAssertEqual(history.series("val_loss").count, 8)
        XCTAssertEqual(history.series("val_rmse").count, 8)
        XCTAssertEqual(history.series("lr"), [0.01, 0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.005])
        XCTAssertTrue(history.epochs.allSatisfy { $0.seconds >= 0 })
        // evaluate gives the last epoch's validation loss (same weights, eval mode).
        let v = try evaluate(model, images: try x.gathering(Array(48..<64)), targets: .values(try y.gathering(Array(48..<64))), loss: .mse)
        XCTAssertEqual(v.loss, history.epochs[7].validationLoss ?? -1, accuracy: 1e-5)
    }

    func testBadEpochsAndBatchSizeAreNamedInTheError() throws {
        let (x, y) = try regressionData()
        for (epochs, batch, message) in [(-1, 16, "fit: epochs must be 0 or more, got -1"), (2, 0, "fit: batch size must be positive, got 0")] {
            var options = FitOptions()
            options.epochs = epochs
            options.batchSize = batch
            options.progress = false
            XCTAssertThrowsError(try fit(smallModel(), images: x, targets: .values(y), loss: .mse, optimizer: Adam(), options: options)) { error in
                XCTAssertEqual("\(error)", message)
            }
        }
    }

    func testSameSeedSameRun() throws {
        let (x, y) = try regressionData()
        var options = FitOptions()
        options.epochs = 2
        options.batchSize = 10
        options.seed = 9
        options.progress = false
        let a = smallModel(), b = smallModel()
        let ha = try fit(a, images: x, targets: .values(y), loss: .mse, optimizer: SGD(learningRate: 0.05, momentum: 0.9), options: options)
        let hb = try fit(b, images: x, targets: .values(y), loss: .mse, optimizer: SGD(learningRate: 0.05, momentum: 0.9), options: options)
        XCTAssertEqual(ha.series("loss"), hb.series("loss"))
        options.seed = 10
        let hc = try fit(smallModel(), images: x, targets: .values(y), loss: .mse, optimizer: SGD(learningRate: 0.05, momentum: 0.9), options: options)
        XCTAssertNotEqual(ha.series("loss"), hc.series("loss"))
    }

    func testClassificationWithBatchTransformAndBestCheckpoint() throws {
        // Class 1 images are bright, class 0 dark.
        let labels = (0..<40).map { $0 % 2 }
        var rng = RandomGenerator(seed: 5)
        let x = try Tensor(shape: [40, 1, 8, 8], scalars: labels.flatMap { l in (0..<64).map { _ in rng.nextFloat() * 0.5 + Float(l) * 0.5 } })
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ainb-best-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        var transformed = 0
        var options = FitOptions()
        options.epochs = 5
        options.batchSize = 8
        options.progress = false
        options.validationData = (x, .labels(labels))
        options.checkpoint = url
        options.batchTransform = { images, targets, context in
            transformed += 1
            XCTAssertGreaterThan(context.batch, 0)
            return (try images * 1.0, targets)
        }
        let model = smallModel(outputs: 2)
        let history = try fit(model, images: x, targets: .labels(labels), loss: .crossEntropy, optimizer: Adam(learningRate: 0.01), options: options)
        XCTAssertEqual(transformed, 25)
        XCTAssertEqual(history.epochs.last?.validationMetrics["accuracy"], 1)
        let best = try XCTUnwrap(history.bestEpoch)
        let saved = try Safetensors.load(from: url)
        XCTAssertEqual(saved.metadata["epoch"], "\(best)")
        let copy = smallModel(outputs: 2, seed: 77)
        try copy.load(from: url)
        let bestLoss = try XCTUnwrap(history.epochs[best - 1].validationLoss)
        XCTAssertEqual(try evaluate(copy, images: x, targets: .labels(labels), loss: .crossEntropy).loss, bestLoss, accuracy: 1e-5)
    }

    func testEarlyStoppingRestoresTheBestWeights() throws {
        let (x, y) = try regressionData()
        var options = FitOptions()
        options.epochs = 30
        options.batchSize = 64
        options.progress = false
        options.validationData = (x, .values(y))
        options.patience = 2
        options.restoreBestWeights = true
        let model = smallModel()
        // A learning rate far too large: the validation loss soon stops improving.
        let history = try fit(model, images: x, targets: .values(y), loss: .mse, optimizer: SGD(learningRate: 3), options: options)
        XCTAssertTrue(history.stoppedEarly)
        XCTAssertLessThan(history.epochs.count, 30)
        let best = try XCTUnwrap(history.bestEpoch)
        XCTAssertEqual(history.epochs.count, best + 2)
        let now = try evaluate(model, images: x, targets: .values(y), loss: .mse).loss
        XCTAssertEqual(now, history.epochs[best - 1].validationLoss ?? -1, accuracy: 1e-4)
    }

    func testCancellationStopsBetweenBatchesAndKeepsWeights() throws {
        let (x, y) = try regressionData()
        let flag = CancellationFlag()
        var options = FitOptions()
        options.epochs = 3
        options.batchSize = 16
        options.progress = false
        options.cancellation = flag
        var batches = 0
        options.batchTransform = { images, targets, _ in
            batches += 1
            if batches == 2 { flag.cancel() }
            return (images, targets)
        }
        let model = smallModel()
        let before = model.stateDict()[1].1.scalars
        XCTAssertThrowsError(try fit(model, images: x, targets: .values(y), loss: .mse, optimizer: Adam(), options: options)) { error in
            XCTAssertEqual(error as? TrainingError, .cancelled(epoch: 1, batch: 3))
        }
        XCTAssertNotEqual(model.stateDict()[1].1.scalars, before, "the two finished batches changed the weights")
    }

    func testNonFiniteLossStopsNamingEpochAndBatchAndKeepsGoodWeights() throws {
        var (x, y) = try regressionData()
        var scalars = y.scalars
        scalars[2 * 40] = .nan  // row 40 lands in some batch of epoch 1
        y = try Tensor(shape: y.shape, scalars: scalars)
        var options = FitOptions()
        options.epochs = 2
        options.batchSize = 16
        options.shuffle = false
        options.progress = false
        let model = smallModel()
        var snapshots: [[Float]] = []
        options.batchTransform = { images, targets, _ in
            snapshots.append(model.namedParameters().flatMap { $0.1.value.scalars })
            return (images, targets)
        }
        XCTAssertThrowsError(try fit(model, images: x, targets: .values(y), loss: .mse, optimizer: Adam(), options: options)) { error in
            guard case let .nonFinite(epoch, batch, loss)? = error as? TrainingError else { return XCTFail("\(error)") }
            XCTAssertEqual([epoch, batch], [1, 3])
            XCTAssertTrue(loss.isNaN)
            XCTAssertTrue("\(error)".contains("epoch 1, batch 3"))
        }
        let after = model.namedParameters().flatMap { $0.1.value.scalars }
        XCTAssertTrue(after.allSatisfy(\.isFinite))
        XCTAssertEqual(after, snapshots.last, "weights and running statistics are those before the bad batch")
    }

    func testProgressLineShowsEpochBatchLossSpeedAndETA() {
        let line = progressLine(epoch: 2, epochs: 5, batch: 12, batches: 24, loss: 0.12345, imagesPerSecond: 41.27, eta: 75)
        XCTAssertEqual(line, "Epoch 2/5 12/24 [============>           ] loss 0.1235  41.3 img/s  ETA 1:15")
    }

    func testPredictRunsInBatchesWithoutATape() throws {
        let (x, _) = try regressionData()
        let model = smallModel()
        let all = try predict(model, images: x, batchSize: 64)
        let batched = try predict(model, images: x, batchSize: 7)
        XCTAssertEqual(all.shape, [64, 2])
        for (a, b) in zip(all.scalars, batched.scalars) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        XCTAssertFalse(batched.requiresGrad)
        XCTAssertTrue(model.isTraining, "predict restores the mode")
    }
}
