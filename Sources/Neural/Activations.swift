import Tensor

/// An elementwise activation as a layer.
public final class Activation: Layer {
    /// The functions the course uses.
    public enum Function: String, Sendable {
        case relu, gelu, sigmoid, softmax, tanh
    }

    /// The function applied.
    public let function: Function

    /// A layer applying `function`.
    public init(_ function: Function) {
        self.function = function
    }

    public override var kind: String {
        switch function {
        case .relu: return "ReLU"
        case .gelu: return "GELU"
        case .sigmoid: return "Sigmoid"
        case .softmax: return "Softmax"
        case .tanh: return "Tanh"
        }
    }

    public override func callAsFunction(_ x: Tensor) throws -> Tensor {
        switch function {
        case .relu: return relu(x)
        case .gelu: return gelu(x)
        case .sigmoid: return sigmoid(x)
        case .softmax: return try softmax(x, axis: 1)
        case .tanh: return tanh(x)
        }
    }
}

/// max(x, 0) as a layer.
public func ReLU() -> Activation { Activation(.relu) }
/// x·Φ(x) as a layer.
public func GELU() -> Activation { Activation(.gelu) }
/// The logistic function as a layer.
public func Sigmoid() -> Activation { Activation(.sigmoid) }
/// Softmax over axis 1 as a layer.
public func Softmax() -> Activation { Activation(.softmax) }
