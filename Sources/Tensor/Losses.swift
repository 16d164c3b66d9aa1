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
/// `smoothing` ε is PyTorch's `label_smoothing`: each row's target is
/// (1 − ε)·onehot + ε/C, with the weights applied per class (−Σ_c w_c·t_c·log p_c)
/// and the sum still divided by the sum of the weights of the true classes.
public func crossEntropy(_ logits: Tensor, labels: [Int], weights: [Float]? = nil, smoothing: Float = 0) throws -> Tensor {
    guard logits.rank == 2, logits.shape[0] == labels.count else {
        throw TensorError.shapeMismatch(op: "cross_entropy", logits.shape, [labels.count])
    }
    let (n, c) = (logits.shape[0], logits.shape[1])
    for (row, label) in labels.enumerated() where label < 0 || label >= c {
        throw TensorError.invalidArgument("cross_entropy: label \(label) at row \(row) is not a class of 0..<\(c)")
    }
    if let weights, weights.count != c { throw TensorError.shapeMismatch(op: "cross_entropy weights", [weights.count], [c]) }
    guard smoothing >= 0, smoothing <= 1 else { throw TensorError.invalidArgument("cross_entropy: label smoothing must be in [0, 1], got \(smoothing)") }
    let logProbs = try logSoftmax(logits.detached)
    let classWeights = weights ?? [Float](repeating: 1, count: c)
    let w = labels.map { classWeights[$0] }
    let total = w.reduce(0, +)
    guard total > 0 else { throw TensorError.invalidArgument("cross_entropy: the weights of the true classes sum to 0") }
    // Per row, the loss is −Σ_j t[row, j]·log p[row, j] with t = (1 − ε)·w_label/Σw at the label
    // plus ε·w_j/(C·Σw) at every class j.
    let spread = (0..<c).map { smoothing * classWeights[$0] / (Float(c) * total) }
    let spreadSum = spread.reduce(0, +)
    var loss: Float = 0, smoothed: Float = 0
    for (row, label) in labels.enumerated() {
        loss -= w[row] * logProbs.scalars[row * c + label]
        if smoothing > 0 { for j in 0..<c { smoothed -= classWeights[j] * logProbs.scalars[row * c + j] } }
    }
    let result = Tensor(smoothing > 0 ? ((1 - smoothing) * loss + smoothing / Float(c) * smoothed) / total : loss / total)
    return result.recording("cross_entropy", [logits]) { g, _ in
        if GradMode.isEnabled {
            // createGraph: the same gradient through recorded ops, so it can be differentiated again.
            var t = [Float](repeating: 0, count: n * c)
            var rowSums = [Float](repeating: 0, count: n)
            for (row, label) in labels.enumerated() {
                for j in 0..<c { t[row * c + j] = spread[j] }
                t[row * c + label] += (1 - smoothing) * w[row] / total
                rowSums[row] = (1 - smoothing) * w[row] / total + spreadSum
            }
            let sums = Tensor(uncheckedShape: [n, 1], scalars: rowSums)
            return [try (softmax(logits) * sums - Tensor(uncheckedShape: logits.shape, scalars: t)) * g]
        }
        // d/dlogits = softmax · Σ_j t_j − t
        var d = logProbs.scalars.map { Foundation.exp($0) }
        let scale = g.scalars[0]
        for row in 0..<n {
            let onLabel = (1 - smoothing) * w[row] / total
            let k = (onLabel + spreadSum) * scale
            for j in 0..<c { d[row * c + j] = d[row * c + j] * k - spread[j] * scale }
            d[row * c + labels[row]] -= onLabel * scale
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
