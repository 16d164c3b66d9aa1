import Foundation
import Tensor

/// Keypoint errors for predictions and targets [N, 30] in pixels, the 15 Kaggle
/// points as x,y pairs (point 0 left_eye_center, point 1 right_eye_center, ...).
public struct KeypointErrors: Equatable, Sendable {
    /// √(mean squared error over all values), in pixels.
    public var rmse: Float
    /// Mean Euclidean distance per keypoint, in pixels (one per point).
    public var perKeypoint: [Float]
    /// Mean Euclidean distance over all points, in pixels.
    public var meanDistance: Float
    /// Mean distance divided by each face's inter-ocular distance (true eye centres).
    public var normalized: Float

    /// Kaggle's 15 keypoints in column order; value 2k is point k's x, 2k + 1 its y.
    public static let keypointNames = [
        "left_eye_center", "right_eye_center", "left_eye_inner_corner", "left_eye_outer_corner",
        "right_eye_inner_corner", "right_eye_outer_corner", "left_eyebrow_inner_end", "left_eyebrow_outer_end",
        "right_eyebrow_inner_end", "right_eyebrow_outer_end", "nose_tip", "mouth_left_corner",
        "mouth_right_corner", "mouth_center_top_lip", "mouth_center_bottom_lip",
    ]

    /// Errors of `prediction` against `target`, both [N, 2·points].
    public init(prediction: Tensor, target: Tensor) throws {
        guard prediction.shape == target.shape, prediction.rank == 2, prediction.shape[1] % 2 == 0, prediction.shape[1] >= 4 else {
            throw TensorError.shapeMismatch(op: "keypoint errors", prediction.shape, target.shape)
        }
        let (n, values) = (prediction.shape[0], prediction.shape[1])
        let points = values / 2
        guard n > 0 else { throw TensorError.invalidArgument("keypoint errors need at least one face") }
        let p = prediction.scalars, t = target.scalars
        var squares: Double = 0
        var perPoint = [Double](repeating: 0, count: points)
        var normalizedSum: Double = 0
        for face in 0..<n {
            let base = face * values
            let eyeDX = Double(t[base] - t[base + 2]), eyeDY = Double(t[base + 1] - t[base + 3])
            let interOcular = max((eyeDX * eyeDX + eyeDY * eyeDY).squareRoot(), 1e-6)
            var faceSum: Double = 0
            for k in 0..<points {
                let dx = Double(p[base + 2 * k] - t[base + 2 * k]), dy = Double(p[base + 2 * k + 1] - t[base + 2 * k + 1])
                squares += dx * dx + dy * dy
                let d = (dx * dx + dy * dy).squareRoot()
                perPoint[k] += d
                faceSum += d
            }
            normalizedSum += faceSum / Double(points) / interOcular
        }
        rmse = Float((squares / Double(n * values)).squareRoot())
        perKeypoint = perPoint.map { Float($0 / Double(n)) }
        meanDistance = Float(perPoint.reduce(0, +) / Double(n * points))
        normalized = Float(normalizedSum / Double(n))
    }
}

/// Accuracy, confusion matrix and per-class precision, recall and F1.
public struct ClassificationReport: Equatable, Sendable {
    /// confusion[true][predicted] counts.
    public var confusion: [[Int]]
    /// Fraction of correct predictions.
    public var accuracy: Float
    /// Per class: correct / predicted as that class (0 when never predicted).
    public var precision: [Float]
    /// Per class: correct / examples of that class (0 when absent).
    public var recall: [Float]
    /// Per class: harmonic mean of precision and recall (0 when both are 0).
    public var f1: [Float]
    /// Examples of each class.
    public var support: [Int]
    /// The unweighted mean of the per-class F1 scores.
    public var macroF1: Float { f1.isEmpty ? 0 : f1.reduce(0, +) / Float(f1.count) }

    /// The report for predicted and true labels in 0..<classes.
    public init(predicted: [Int], labels: [Int], classes: Int) throws {
        guard predicted.count == labels.count else {
            throw TensorError.shapeMismatch(op: "classification report", [predicted.count], [labels.count])
        }
        guard classes > 0 else { throw TensorError.invalidArgument("classification report needs at least one class") }
        var m = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for (i, (p, l)) in zip(predicted, labels).enumerated() {
            guard (0..<classes).contains(p), (0..<classes).contains(l) else {
                throw TensorError.invalidArgument("label or prediction at row \(i) is not a class of 0..<\(classes)")
            }
            m[l][p] += 1
        }
        confusion = m
        let correct = (0..<classes).reduce(0) { $0 + m[$1][$1] }
        accuracy = labels.isEmpty ? 0 : Float(correct) / Float(labels.count)
        let support = m.map { $0.reduce(0, +) }
        self.support = support
        let precision: [Float] = (0..<classes).map { c in
            let predictedC = (0..<classes).reduce(0) { $0 + m[$1][c] }
            return predictedC == 0 ? 0 : Float(m[c][c]) / Float(predictedC)
        }
        let recall: [Float] = (0..<classes).map { c in support[c] == 0 ? 0 : Float(m[c][c]) / Float(support[c]) }
        self.precision = precision
        self.recall = recall
        f1 = zip(precision, recall).map { p, r in p + r == 0 ? 0 : 2 * p * r / (p + r) }
    }
}

/// The index of the largest value of each row of [N, C] logits or probabilities.
public func predictedClasses(_ outputs: Tensor) throws -> [Int] {
    guard outputs.rank == 2 else { throw TensorError.invalidArgument("predicted classes need [N, C], got \(Shape.describe(outputs.shape))") }
    let c = outputs.shape[1]
    return (0..<outputs.shape[0]).map { row in
        var best = 0
        for j in 1..<max(1, c) where outputs.scalars[row * c + j] > outputs.scalars[row * c + best] { best = j }
        return best
    }
}

/// The fraction of rows whose largest output is the label.
public func accuracy(_ outputs: Tensor, labels: [Int]) throws -> Float {
    let p = try predictedClasses(outputs)
    guard p.count == labels.count else { throw TensorError.shapeMismatch(op: "accuracy", [p.count], [labels.count]) }
    guard !labels.isEmpty else { return 0 }
    return Float(zip(p, labels).filter { $0 == $1 }.count) / Float(labels.count)
}
