import Tensor

/// One forward and backward pass: the loss and the gradients of the trainable
/// parameters, recorded on a fresh tape that is released before returning.
public func lossAndGradients(
    _ model: Layer, images: Tensor, targets: Targets, loss: Loss
) throws -> (loss: Float, outputs: Tensor, gradients: [Tensor]) {
    let params = model.trainableParameters
    for p in params { p.value = p.value.detached.requiringGrad() }
    defer { for p in params { p.value = p.value.detached } }
    return try GradMode.with(enabled: true) {
        let outputs = try model(images.detached)
        let l = try loss(outputs, targets)
        let grads = try gradients(of: l, wrt: params.map(\.value))
        return (l.item ?? .nan, outputs.detached, grads)
    }
}

/// One optimisation step on a batch in training mode; returns the batch loss.
///
/// With `clipNorm`, gradients are scaled to that global norm first. The
/// weights are only changed when the loss and the gradients are finite;
/// otherwise `TrainingError.nonFinite` is thrown (epoch and batch 0 here).
@discardableResult
public func trainStep(
    _ model: Layer, images: Tensor, targets: Targets, loss: Loss, optimizer: Optimizer, clipNorm: Float? = nil
) throws -> Float {
    model.train()
    let result = try lossAndGradients(model, images: images, targets: targets, loss: loss)
    var grads = result.gradients
    let norm: Float
    if let clipNorm { (grads, norm) = try clipGradients(grads, maxNorm: clipNorm) } else { norm = globalNorm(grads) }
    guard result.loss.isFinite, norm.isFinite else {
        throw TrainingError.nonFinite(epoch: 0, batch: 0, loss: result.loss)
    }
    try optimizer.update(model.trainableParameters, gradients: grads)
    return result.loss
}

/// The L2 norm of all gradients together.
func globalNorm(_ tensors: [Tensor]) -> Float {
    Float(tensors.reduce(0) { $0 + $1.sumOfSquares }.squareRoot())
}

/// Why training stopped early.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// The caller tripped the cancellation flag; the weights are those after the last finished batch.
    case cancelled(epoch: Int, batch: Int)
    /// A loss or gradient became NaN or infinite; the last good weights are kept.
    case nonFinite(epoch: Int, batch: Int, loss: Float)
    /// Data or options that cannot be used.
    case invalid(String)

    public var description: String {
        switch self {
        case let .cancelled(epoch, batch): return "training cancelled in epoch \(epoch), before batch \(batch)"
        case let .nonFinite(epoch, batch, loss):
            return "training stopped: the loss or its gradients became non-finite (loss \(loss)) in epoch \(epoch), batch \(batch); the last good weights are kept"
        case let .invalid(message): return message
        }
    }
}
