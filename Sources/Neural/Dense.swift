import Tensor

/// A fully connected layer: y = x · Wᵀ + b, `weight` [out, in] as in PyTorch.
public final class Dense: Layer {
    /// The weight, [out, in].
    public let weight: Parameter
    /// One bias per output (nil without bias).
    public let bias: Parameter?

    /// A dense layer with Glorot-uniform weight and zero bias, drawn from `rng`.
    public init(_ inFeatures: Int, _ outFeatures: Int, useBias: Bool = true,
                initializer: Initializer = .glorotUniform, rng: inout RandomGenerator) {
        weight = Parameter(initializer.make([outFeatures, inFeatures], using: &rng))
        bias = useBias ? Parameter(.zeros([outFeatures])) : nil
    }

    public override var kind: String { "Dense" }

    public override var localParameters: [(String, Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public override func callAsFunction(_ x: Tensor) throws -> Tensor {
        try linear(x, weight: weight.value, bias: bias?.value)
    }

    public override func outputShape(_ input: [Int]) throws -> [Int] {
        guard input.count == 2, input[1] == weight.shape[1] else {
            throw TensorError.shapeMismatch(op: "Dense", input, weight.shape)
        }
        return [input[0], weight.shape[0]]
    }
}
