import Foundation
import Tensor

/// The course's fused model: a keypoint model and an emotion model that answer
/// together for a batch of faces, and save and load as one checkpoint
/// (names prefixed `keypoints.` and `emotions.`).
public final class FaceModel: Layer {
    /// Maps faces to 30 keypoint values.
    public let keypoints: Layer
    /// Maps faces to emotion logits.
    public let emotions: Layer

    /// Fuses two trained (or fresh) models.
    public init(keypoints: Layer, emotions: Layer) {
        self.keypoints = keypoints
        self.emotions = emotions
    }

    /// The course's two ResNets, freshly initialised.
    public convenience init(classes: Int = 5, seed: UInt64 = 0) {
        self.init(keypoints: keypointResNet(seed: seed), emotions: emotionResNet(classes: classes, seed: seed &+ 1))
    }

    public override var kind: String { "FaceModel" }

    public override var children: [(String, Layer)] { [("keypoints", keypoints), ("emotions", emotions)] }

    /// The keypoint outputs (the layer protocol's single output); use `predict` for both.
    public override func callAsFunction(_ x: Tensor) throws -> Tensor { try keypoints(x) }

    /// For faces [N, 1, H, W]: the 30 keypoint values [N, 30] and the emotion probabilities [N, classes].
    public func predict(_ images: Tensor, batchSize: Int = 32) throws -> (keypoints: Tensor, probabilities: Tensor) {
        let points = try Neural.predict(keypoints, images: images, batchSize: batchSize)
        let logits = try Neural.predict(emotions, images: images, batchSize: batchSize)
        let probabilities = try GradMode.withoutGradients { try softmax(logits, axis: 1) }
        return (points, probabilities)
    }

    /// For faces [N, 1, H, W]: the predicted emotion class of each face.
    public func predictEmotions(_ images: Tensor, batchSize: Int = 32) throws -> [Int] {
        try predictedClasses(try Neural.predict(emotions, images: images, batchSize: batchSize))
    }
}
