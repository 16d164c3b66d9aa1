import Tensor

/// Standardises each sample on its own: zero mean and unit standard deviation over all of its
/// values (channels and pixels), (x − mean) / √(variance + ε).
///
/// As a model's first layer it makes the model blind to a picture's exposure and contrast,
/// which differ more between synthetic renders and photographs than anything an expression
/// does; because it is a layer, training, evaluation, `predict`, fused models and exports all
/// apply the same step. ε is kept in the checkpoint (a buffer), which also tells a model file
/// that its model standardises its input.
public final class Standardize: Layer {
    /// ε, added to each sample's variance (a one-value buffer, not trained).
    public let epsilon: Parameter

    /// A standardisation with `epsilon` added to the variance (1e-3 suits pixels scaled to 0–1:
    /// a nearly flat image is amplified at most about 30 times).
    public init(epsilon: Float = 1e-3) {
        self.epsilon = Parameter(.full([1], epsilon), trainable: false)
    }

    public override var kind: String { "Standardize" }

    public override var localParameters: [(String, Parameter)] { [("epsilon", epsilon)] }

    public override func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard x.rank >= 2 else { throw TensorError.invalidArgument("Standardize needs a batch axis and at least one more, got \(Shape.describe(x.shape))") }
        let axes = Array(1..<x.rank)
        let centered = try x - x.mean(axes: axes, keepDims: true)
        let variance = try (centered * centered).mean(axes: axes, keepDims: true)
        return try centered / sqrt(variance + epsilon.value.scalars[0])
    }
}
