import Tensor

/// How a layer's kernel starts: Keras' default is Glorot uniform.
public enum Initializer: Sendable {
    /// U(−l, l) with l = √(6 / (fanIn + fanOut)) (Keras' `glorot_uniform`).
    case glorotUniform
    /// Truncated normal with standard deviation √(2 / fanIn) (Keras' `he_normal`).
    case heNormal
    /// All zeros.
    case zeros

    /// A tensor of `shape` drawn from this initialiser.
    public func make(_ shape: [Int], using rng: inout RandomGenerator) -> Tensor {
        let (fanIn, fanOut) = Tensor.fans(shape)
        switch self {
        case .glorotUniform: return .glorotUniform(shape, fanIn: fanIn, fanOut: fanOut, using: &rng)
        case .heNormal: return .heNormal(shape, fanIn: fanIn, using: &rng)
        case .zeros: return .zeros(shape)
        }
    }
}
