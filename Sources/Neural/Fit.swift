import Foundation
import Tensor

/// Where a batch sits in training, for an on-the-fly batch transform.
public struct BatchContext: Sendable {
    /// The epoch, from 1.
    public var epoch: Int
    /// The batch within the epoch, from 1.
    public var batch: Int
    /// A seed unique to this epoch and batch, for seeded augmentation.
    public var seed: UInt64
}

/// Changes a training batch before it is used (augmentation on the fly).
public typealias BatchTransform = (_ images: Tensor, _ targets: Targets, _ context: BatchContext) throws -> (Tensor, Targets)

/// The options of `fit`, with Keras-like defaults.
public struct FitOptions {
    /// Passes over the training data.
    public var epochs = 1
    /// Images per optimizer step.
    public var batchSize = 32
    /// Seeds the shuffling (and the batch transform's context seeds).
    public var seed: UInt64 = 0
    /// Shuffle the training data each epoch.
    public var shuffle = true
    /// The last fraction of the data held out for validation (as Keras does), when no validation set is given.
    public var validationSplit: Float = 0
    /// A separate validation set.
    public var validationData: (images: Tensor, targets: Targets)?
    /// The learning rate per epoch, from the optimizer's rate.
    public var schedule: LearningRateSchedule = .constant
    /// Clip gradients to this global norm.
    public var clipNorm: Float?
    /// Stop when the monitored loss has not improved for this many epochs.
    public var patience: Int?
    /// After early stopping (or at the end), go back to the weights of the best epoch.
    public var restoreBestWeights = false
    /// Save the model here whenever the monitored loss improves.
    public var checkpoint: URL?
    /// Changes each training batch before use.
    public var batchTransform: BatchTransform?
    /// Tripped by the caller to stop between batches.
    public var cancellation: CancellationFlag?
    /// Draw a progress bar on stderr (only when it is a terminal).
    public var progress = true
    /// Called after each epoch with its record.
    public var onEpochEnd: ((EpochRecord) -> Void)?
    /// Called after each training batch (for a live progress display).
    public var onBatchEnd: ((FitProgress) -> Void)?

    public init() {}
}

/// Where training is within an epoch, after a batch.
public struct FitProgress: Sendable {
    /// The epoch, from 1, of `epochs`.
    public var epoch: Int
    public var epochs: Int
    /// Batches done in this epoch, of `batches`.
    public var batch: Int
    public var batches: Int
    /// Images trained on so far in this epoch.
    public var images: Int
    /// The mean training loss so far in this epoch.
    public var loss: Double
    /// Seconds since the epoch began.
    public var seconds: Double

    /// The progress bar's text: epoch, batch k/n, a bar, running loss, images/s and ETA.
    public var line: String {
        let rate = seconds > 0 ? Double(images) / seconds : 0
        let eta = batch > 0 ? seconds / Double(batch) * Double(batches - batch) : 0
        return progressLine(epoch: epoch, epochs: epochs, batch: batch, batches: batches, loss: loss,
                            imagesPerSecond: rate, eta: eta)
    }
}

/// What one epoch did.
public struct EpochRecord: Equatable, Sendable {
    /// The epoch, from 1.
    public var epoch: Int
    /// The mean training loss over the epoch's batches.
    public var loss: Float
    /// "rmse" for regression, "accuracy" for classification (on the training batches).
    public var metrics: [String: Float]
    /// The loss on the validation data, in evaluation mode.
    public var validationLoss: Float?
    /// The metrics on the validation data.
    public var validationMetrics: [String: Float]
    /// The learning rate used in this epoch.
    public var learningRate: Float
    /// Wall-clock time of the epoch, validation included.
    public var seconds: Double
}

/// The record of a `fit` run.
public struct History: Sendable {
    /// One record per epoch run.
    public var epochs: [EpochRecord] = []
    /// The epoch (1-based) with the lowest monitored loss.
    public var bestEpoch: Int?
    /// True when early stopping ended the run.
    public var stoppedEarly = false

    /// One series by name: "loss", "val_loss", "lr", "seconds", a metric or "val_" + a metric.
    public func series(_ name: String) -> [Float] {
        epochs.compactMap { r in
            switch name {
            case "loss": return r.loss
            case "val_loss": return r.validationLoss
            case "lr": return r.learningRate
            case "seconds": return Float(r.seconds)
            default:
                if name.hasPrefix("val_") { return r.validationMetrics[String(name.dropFirst(4))] }
                return r.metrics[name]
            }
        }
    }
}

/// Trains `model` on images [N, C, H, W] and targets with mini-batches.
///
/// Each epoch shuffles with a seeded permutation, runs the batch transform,
/// takes one optimizer step per batch and records loss, metrics, learning
/// rate and time. The monitored loss is the validation loss when there is
/// validation data, else the training loss. Throws `TrainingError.cancelled`
/// when the cancellation flag is tripped (the weights are kept) and
/// `TrainingError.nonFinite` naming the epoch and batch when a loss or
/// gradient is NaN or infinite (the last good weights are kept).
@discardableResult
public func fit(
    _ model: Layer, images: Tensor, targets: Targets, loss: Loss, optimizer: Optimizer, options: FitOptions = FitOptions()
) throws -> History {
    let n = images.shape.first ?? 0
    guard images.rank >= 2, n == targets.count else {
        throw TrainingError.invalid("fit: \(n) images but \(targets.count) targets")
    }
    guard options.batchSize > 0 else { throw TrainingError.invalid("fit: batch size must be positive, got \(options.batchSize)") }
    guard options.epochs >= 0 else { throw TrainingError.invalid("fit: epochs must be 0 or more, got \(options.epochs)") }
    guard options.validationSplit >= 0, options.validationSplit < 1 else {
        throw TrainingError.invalid("fit: validation split must be in [0, 1), got \(options.validationSplit)")
    }

    // Hold out the last fraction for validation, as Keras does.
    var trainImages = images, trainTargets = targets
    var validation = options.validationData
    if validation == nil && options.validationSplit > 0 {
        let held = Int((Float(n) * options.validationSplit).rounded())
        guard held > 0, held < n else { throw TrainingError.invalid("fit: a validation split of \(options.validationSplit) leaves no data on one side") }
        let trainIdx = Array(0..<(n - held)), valIdx = Array((n - held)..<n)
        validation = (try images.gathering(valIdx), try targets.gathering(valIdx))
        trainImages = try images.gathering(trainIdx)
        trainTargets = try targets.gathering(trainIdx)
    }
    let count = trainTargets.count
    guard count > 0 else { throw TrainingError.invalid("fit: no training data") }

    var rng = RandomGenerator(seed: options.seed)
    let baseRate = optimizer.learningRate
    let batches = (count + options.batchSize - 1) / options.batchSize
    var history = History()
    var best = Float.infinity
    var bestState: [(String, Tensor)]?
    var sinceBest = 0
    let params = model.trainableParameters
    let buffers = model.namedParameters().map(\.1).filter { !$0.trainable }
    defer {
        model.train()
        // The steps' activations and gradients are free now: give their memory back.
        Memory.releaseFreedBlocks()
    }

    for epoch in 1...max(1, options.epochs) where options.epochs > 0 {
        let started = Date()
        optimizer.learningRate = options.schedule.rate(epoch: epoch - 1, base: baseRate)
        let order = options.shuffle ? rng.permutation(count) : Array(0..<count)
        var bar = ProgressBar(enabled: options.progress, total: batches, epoch: epoch, epochs: options.epochs)
        var lossSum: Double = 0, seen = 0, metricSum: Double = 0
        for b in 0..<batches {
            if let flag = options.cancellation, flag.isCancelled { throw TrainingError.cancelled(epoch: epoch, batch: b + 1) }
            let idx = Array(order[(b * options.batchSize)..<min(count, (b + 1) * options.batchSize)])
            var x = try trainImages.gathering(idx)
            var y = try trainTargets.gathering(idx)
            if let transform = options.batchTransform {
                let ctx = BatchContext(epoch: epoch, batch: b + 1,
                                       seed: options.seed &+ UInt64(epoch) &* 1_000_003 &+ UInt64(b + 1))
                (x, y) = try transform(x, y, ctx)
            }
            // Keep the buffers (running statistics) so that a bad batch can be undone.
            let savedBuffers = buffers.map(\.value)
            model.train()
            let step = try lossAndGradients(model, images: x, targets: y, loss: loss)
            var grads = step.gradients
            let norm: Float
            if let clip = options.clipNorm { (grads, norm) = try clipGradients(grads, maxNorm: clip) } else { norm = globalNorm(grads) }
            guard step.loss.isFinite, norm.isFinite else {
                for (p, v) in zip(buffers, savedBuffers) { p.value = v }
                throw TrainingError.nonFinite(epoch: epoch, batch: b + 1, loss: step.loss)
            }
            // A stop requested during the step may have cut its kernels short: never apply it.
            if Interruption.isRequested {
                for (p, v) in zip(buffers, savedBuffers) { p.value = v }
                throw TrainingError.cancelled(epoch: epoch, batch: b + 1)
            }
            try optimizer.update(params, gradients: grads)
            let size = idx.count
            lossSum += Double(step.loss) * Double(size)
            seen += size
            metricSum += Double(try batchMetric(step.outputs, y, loss: loss)) * Double(size)
            bar.update(done: b + 1, images: seen, loss: lossSum / Double(seen))
            options.onBatchEnd?(FitProgress(epoch: epoch, epochs: options.epochs, batch: b + 1, batches: batches, images: seen,
                                            loss: lossSum / Double(seen), seconds: Date().timeIntervalSince(started)))
        }
        let trainLoss = Float(lossSum / Double(seen))
        let metricName = metricKey(loss)
        var metricValue = Float(metricSum / Double(seen))
        if case .mse = loss { metricValue = trainLoss.squareRoot() }
        var record = EpochRecord(epoch: epoch, loss: trainLoss, metrics: [metricName: metricValue], validationLoss: nil,
                                 validationMetrics: [:], learningRate: optimizer.learningRate, seconds: 0)
        if let validation {
            let v = try evaluate(model, images: validation.images, targets: validation.targets, loss: loss, batchSize: options.batchSize)
            record.validationLoss = v.loss
            record.validationMetrics = v.metrics
        }
        record.seconds = Date().timeIntervalSince(started)
        history.epochs.append(record)
        options.onEpochEnd?(record)

        let monitored = record.validationLoss ?? record.loss
        if monitored < best {
            best = monitored
            history.bestEpoch = epoch
            sinceBest = 0
            if options.restoreBestWeights { bestState = model.stateDict() }
            if let url = options.checkpoint { try model.save(to: url, metadata: ["epoch": "\(epoch)", "monitored_loss": "\(monitored)"]) }
        } else {
            sinceBest += 1
            if let patience = options.patience, sinceBest >= patience {
                history.stoppedEarly = true
                break
            }
        }
    }
    if options.restoreBestWeights, let bestState { try model.loadStateDict(bestState) }
    return history
}

func metricKey(_ loss: Loss) -> String {
    if case .mse = loss { return "rmse" }
    return "accuracy"
}

func batchMetric(_ outputs: Tensor, _ targets: Targets, loss: Loss) throws -> Float {
    switch targets {
    case .values: return 0
    case let .labels(l): return try accuracy(outputs, labels: l)
    }
}

/// The model's outputs for images [N, ...], in batches, in evaluation mode and without a tape.
public func predict(_ model: Layer, images: Tensor, batchSize: Int = 32) throws -> Tensor {
    let n = images.shape.first ?? 0
    guard batchSize > 0 else { throw TrainingError.invalid("predict: batch size must be positive") }
    guard n > 0 else { throw TrainingError.invalid("predict: no images") }
    let wasTraining = model.isTraining
    model.eval()
    defer { model.train(wasTraining) }
    // Batch norms folded into their convolutions once for all the batches.
    let plan = InferencePlan(model)
    return try GradMode.withoutGradients {
        var parts: [Tensor] = []
        for start in stride(from: 0, to: n, by: batchSize) {
            let x = n <= batchSize ? images : try images.gathering(Array(start..<min(n, start + batchSize)))
            parts.append(try plan(x))
        }
        try Interruption.check()
        return parts.count == 1 ? parts[0] : try Tensor.concatenate(parts, axis: 0)
    }
}

/// The loss and metrics of the model on a data set, in evaluation mode without a tape:
/// "rmse" for MSE, "accuracy" for cross-entropy.
public func evaluate(
    _ model: Layer, images: Tensor, targets: Targets, loss: Loss, batchSize: Int = 32
) throws -> (loss: Float, metrics: [String: Float]) {
    let outputs = try predict(model, images: images, batchSize: batchSize)
    let value = try GradMode.withoutGradients { try loss(outputs, targets).item ?? .nan }
    switch targets {
    case .values: return (value, ["rmse": value.squareRoot()])
    case let .labels(l): return (value, ["accuracy": try accuracy(outputs, labels: l)])
    }
}
