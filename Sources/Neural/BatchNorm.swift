import Tensor

/// Batch normalisation over channels (axis 1), with Keras' defaults.
///
/// `momentum` follows PyTorch's convention (the weight of the new batch):
/// Keras' momentum 0.99 is 0.01 here. Keras' epsilon is 1e-3 (PyTorch's 1e-5).
public final class BatchNorm: Layer {
    /// γ, the per-channel scale.
    public let weight: Parameter
    /// β, the per-channel offset.
    public let bias: Parameter
    /// The running mean used in evaluation mode (a buffer).
    public let runningMean: Parameter
    /// The running variance used in evaluation mode (a buffer).
    public let runningVar: Parameter
    /// The weight of each new batch in the running statistics.
    public let momentum: Float
    /// Added to the variance before the square root.
    public let epsilon: Float

    /// A batch norm over `channels` with γ = 1, β = 0, mean 0 and variance 1.
    public init(_ channels: Int, momentum: Float = 0.01, epsilon: Float = 1e-3) {
        weight = Parameter(.ones([channels]))
        bias = Parameter(.zeros([channels]))
        runningMean = Parameter(.zeros([channels]), trainable: false)
        runningVar = Parameter(.ones([channels]), trainable: false)
        self.momentum = momentum
        self.epsilon = epsilon
    }

    public override var kind: String { "BatchNorm" }

    public override var localParameters: [(String, Parameter)] {
        [("weight", weight), ("bias", bias), ("running_mean", runningMean), ("running_var", runningVar)]
    }

    public override func callAsFunction(_ x: Tensor) throws -> Tensor {
        try callAsFunction(x, relu: false)
    }

    /// The batch norm of `x`, followed by a ReLU in the same pass when `relu`.
    public func callAsFunction(_ x: Tensor, relu: Bool) throws -> Tensor {
        var stats = BatchNormStatistics(mean: runningMean.value, variance: runningVar.value)
        // Release our references so the statistics update in place.
        runningMean.value = Tensor.zeros([0])
        runningVar.value = Tensor.zeros([0])
        defer {
            runningMean.value = stats.mean
            runningVar.value = stats.variance
        }
        return try batchNorm(x, scale: weight.value, offset: bias.value, statistics: &stats,
                             training: isTraining, momentum: momentum, epsilon: epsilon, relu: relu)
    }

    public override func outputShape(_ input: [Int]) throws -> [Int] {
        guard input.count >= 2, input[1] == weight.count else {
            throw TensorError.shapeMismatch(op: "BatchNorm", input, weight.shape)
        }
        return input
    }
}
