import Tensor

/// What a model is trained on: values to regress or class labels.
public enum Targets {
    /// Regression targets [N, outputs] (e.g. 30 keypoint values).
    case values(Tensor)
    /// Class indices, one per image.
    case labels([Int])

    /// The number of examples.
    public var count: Int {
        switch self {
        case let .values(t): return t.shape.first ?? 0
        case let .labels(l): return l.count
        }
    }

    /// The targets of the given examples, in that order.
    public func gathering(_ indices: [Int]) throws -> Targets {
        switch self {
        case let .values(t): return .values(try t.gathering(indices))
        case let .labels(l): return .labels(indices.map { l[$0] })
        }
    }
}

/// A training loss.
public enum Loss: Sendable {
    /// Mean squared error (targets: values).
    case mse
    /// Cross-entropy on logits, optionally with class weights and PyTorch's label
    /// smoothing ε (targets: labels).
    case crossEntropy(weights: [Float]?, smoothing: Float = 0)

    /// Plain cross-entropy.
    public static var crossEntropy: Loss { .crossEntropy(weights: nil) }

    /// The loss of a batch's outputs against its targets.
    public func callAsFunction(_ output: Tensor, _ targets: Targets) throws -> Tensor {
        switch (self, targets) {
        case let (.mse, .values(t)): return try mseLoss(output, t)
        case let (.crossEntropy(weights, smoothing), .labels(l)):
            return try weightedCrossEntropy(output, labels: l, weights: weights, smoothing: smoothing)
        case (.mse, .labels): throw TensorError.invalidArgument("the MSE loss needs value targets, not class labels")
        case (.crossEntropy, .values): throw TensorError.invalidArgument("cross-entropy needs class labels, not value targets")
        }
    }
}

/// The engine's cross-entropy, named so that `Loss.crossEntropy` does not shadow it.
func weightedCrossEntropy(_ logits: Tensor, labels: [Int], weights: [Float]?, smoothing: Float = 0) throws -> Tensor {
    try crossEntropy(logits, labels: labels, weights: weights, smoothing: smoothing)
}

/// Class weights inversely proportional to the class counts (scikit-learn's
/// "balanced": n / (classes · count)); classes with no examples get weight 0.
public func balancedClassWeights(counts: [Int]) -> [Float] {
    let total = counts.reduce(0, +)
    return counts.map { $0 > 0 ? Float(total) / Float(counts.count * $0) : 0 }
}

/// Class counts of labels in 0..<classes (labels outside are ignored).
public func classCounts(_ labels: [Int], classes: Int) -> [Int] {
    var counts = [Int](repeating: 0, count: classes)
    for l in labels where l >= 0 && l < classes { counts[l] += 1 }
    return counts
}
