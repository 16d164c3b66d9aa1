import Foundation

/// Softmax, log-softmax and the losses built on them.

/// exp(x) normalised to sum to 1 along `axis`.
public func softmax(_ x: Tensor, axis: Int = -1) throws -> Tensor {
    let shifted = try x - x.detached.max(axes: [axis], keepDims: true)
    let e = exp(shifted)
    return try e / e.sum(axes: [axis], keepDims: true)
}

/// log(softmax(x)) computed stably along `axis`.
public func logSoftmax(_ x: Tensor, axis: Int = -1) throws -> Tensor {
    let shifted = try x - x.detached.max(axes: [axis], keepDims: true)
    let logSum = log(try exp(shifted).sum(axes: [axis], keepDims: true))
    return try shifted - logSum
}

/// The mean of the squared differences.
public func mseLoss(_ prediction: Tensor, _ target: Tensor) throws -> Tensor {
    guard prediction.shape == target.shape else {
        throw TensorError.shapeMismatch(op: "mse_loss", prediction.shape, target.shape)
    }
    let d = try prediction - target
    return try (d * d).mean()
}

/// Cross-entropy from logits [N, C] and class indices, as PyTorch computes it:
/// the mean of −log softmax at each true class, or with class `weights`, the
/// weighted sum divided by the sum of the weights of the true classes.
public func crossEntropy(_ logits: Tensor, labels: [Int], weights: [Float]? = nil) throws -> Tensor {
    guard logits.rank == 2, logits.shape[0] == labels.count else {
        throw TensorError.shapeMismatch(op: "cross_entropy", logits.shape, [labels.count])
    }
    let (n, c) = (logits.shape[0], logits.shape[1])
    for (row, label) in labels.enumerated() where label < 0 || label >= c {
        throw TensorError.invalidArgument("cross_entropy: label \(label) at row \(row) is not a class of 0..<\(c)")
    }
    if let weights, weights.count != c { throw TensorError.shapeMismatch(op: "cross_entropy weights", [weights.count], [c]) }
    let logProbs = try logSoftmax(logits.detached)
    let w = labels.map { weights?[$0] ?? 1 }
    let total = w.reduce(0, +)
    guard total > 0 else { throw TensorError.invalidArgument("cross_entropy: the weights of the true classes sum to 0") }
    var loss: Float = 0
    for (row, label) in labels.enumerated() { loss -= w[row] * logProbs.scalars[row * c + label] }
    let result = Tensor(loss / total)
    return result.recording("cross_entropy", [logits]) { g, _ in
        if GradMode.isEnabled {
            // createGraph: the same gradient through recorded ops, so it can be differentiated again.
            var onehot = [Float](repeating: 0, count: n * c)
            for (row, label) in labels.enumerated() { onehot[row * c + label] = 1 }
            let rowWeights = Tensor(uncheckedShape: [n, 1], scalars: w.map { $0 / total })
            return [try (softmax(logits) - Tensor(uncheckedShape: logits.shape, scalars: onehot)) * rowWeights * g]
        }
        // d/dlogits = (softmax − onehot) · w / Σw
        var d = logProbs.scalars.map { Foundation.exp($0) }
        for row in 0..<n {
            let k = w[row] / total * g.scalars[0]
            for j in 0..<c { d[row * c + j] *= k }
            d[row * c + labels[row]] -= k
        }
        return [Tensor(uncheckedShape: logits.shape, scalars: d)]
    }
}

/// Cross-entropy against target probabilities [N, C] (Keras' categorical
/// cross-entropy on one-hot rows): the mean over rows of −Σ target · log softmax.
public func crossEntropy(_ logits: Tensor, targets: Tensor) throws -> Tensor {
    guard logits.shape == targets.shape, logits.rank == 2 else {
        throw TensorError.shapeMismatch(op: "cross_entropy", logits.shape, targets.shape)
    }
    let perRow = try (targets * logSoftmax(logits)).sum(axes: [1])
    return try -perRow.mean()
}
