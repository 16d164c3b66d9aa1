import Faces
import Neural
import Tensor

/// One face's answer: its 15 points (x, y pairs, pixels of the model's input) and its emotion.
public struct FacePrediction: Equatable, Sendable {
    /// 30 values, x then y of each point in Kaggle order; empty when the model has no keypoint part.
    public var keypoints: [Float]
    /// The most likely emotion's name; nil when the model has no emotion part.
    public var emotion: String?
    /// One probability per class (empty without an emotion part).
    public var probabilities: [Float]
}

/// Runs a course model (keypoints, emotions, or both fused) on batches of gray faces with
/// pixel values 0–255, in evaluation mode.
public final class FacePredictor {
    /// The model file this predictor serves.
    public let model: ModelFile
    /// The emotion class names, in output order.
    public let classNames: [String]

    /// A predictor for a loaded model file.
    public init(_ model: ModelFile) {
        self.model = model
        classNames = model.classCount > 0 ? EmotionSet.classNames(count: model.classCount) : []
    }

    /// A predictor for the checkpoint at `path`.
    public convenience init(path: String) throws { self.init(try ModelFile(path: path)) }

    /// The side of the square faces the model takes (96).
    public var size: Int { model.inputShape[1] }

    /// Predictions for faces [N, 1, size, size] with values 0–255.
    public func predict(_ images: Tensor, batchSize: Int = 32) throws -> [FacePrediction] {
        guard images.rank == 4, Array(images.shape.dropFirst()) == model.inputShape else {
            throw DeployError.badInput("faces must have shape [N, \(model.inputShape.map(String.init).joined(separator: ", "))], got \(Shape.describe(images.shape))")
        }
        let n = images.shape[0]
        let x = try Tensor(shape: images.shape, scalars: images.scalars.map { $0 / 255 })
        var points: Tensor?, probabilities: Tensor?
        switch model.kind {
        case .fused:
            guard let face = model.faceModel else { throw DeployError.unsupported("the fused model is missing") }
            (points, probabilities) = try face.predict(x, batchSize: batchSize)
        case .keypoints:
            points = try Neural.predict(model.layer, images: x, batchSize: batchSize)
        case .emotions:
            let logits = try Neural.predict(model.layer, images: x, batchSize: batchSize)
            probabilities = try softmax(logits, axis: 1)
        }
        let p = points?.scalars ?? [], q = probabilities?.scalars ?? []
        let k = points?.shape[1] ?? 0, c = probabilities?.shape[1] ?? 0
        return (0..<n).map { i in
            let probs = c > 0 ? Array(q[(i * c)..<(i * c + c)]) : []
            let best = probs.indices.max { probs[$0] < probs[$1] }
            return FacePrediction(keypoints: k > 0 ? Array(p[(i * k)..<(i * k + k)]) : [],
                                  emotion: best.map { classNames[$0] }, probabilities: probs)
        }
    }
}
