import Tensor

/// A 2-D convolution layer: `weight` [out, in, kh, kw] and `bias` [out], as in PyTorch.
public final class Conv2D: Layer {
    /// How the input is padded before the kernel sweeps it.
    public enum Padding: Sendable, Equatable {
        /// No padding (Keras' "valid").
        case valid
        /// Enough padding that stride 1 keeps the size (Keras' "same", odd kernels).
        case same
        /// This many zeros on each side of height and width.
        case explicit(Int, Int)
    }

    /// The kernel, [out, in, kh, kw].
    public let weight: Parameter
    /// One bias per output channel (nil without bias).
    public let bias: Parameter?
    /// Steps between windows (height, width).
    public let stride: (Int, Int)
    /// Zeros on each side (height, width).
    public let padding: (Int, Int)

    /// A convolution with Glorot-uniform kernel and zero bias, drawn from `rng`.
    public init(
        _ inChannels: Int, _ outChannels: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
        padding: Padding = .valid, useBias: Bool = true, initializer: Initializer = .glorotUniform,
        rng: inout RandomGenerator
    ) {
        weight = Parameter(initializer.make([outChannels, inChannels, kernel.0, kernel.1], using: &rng))
        bias = useBias ? Parameter(.zeros([outChannels])) : nil
        self.stride = stride
        switch padding {
        case .valid: self.padding = (0, 0)
        case .same: self.padding = ((kernel.0 - 1) / 2, (kernel.1 - 1) / 2)
        case let .explicit(h, w): self.padding = (h, w)
        }
    }

    public override var kind: String { "Conv2D" }

    public override var localParameters: [(String, Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public override func callAsFunction(_ x: Tensor) throws -> Tensor {
        try conv2d(x, weight: weight.value, bias: bias?.value, stride: stride, padding: padding)
    }

    public override func outputShape(_ input: [Int]) throws -> [Int] {
        guard input.count == 4, input[1] == weight.shape[1] else {
            throw TensorError.shapeMismatch(op: "Conv2D", input, weight.shape)
        }
        let (kh, kw) = (weight.shape[2], weight.shape[3])
        let h = (input[2] + 2 * padding.0 - kh) / stride.0 + 1
        let w = (input[3] + 2 * padding.1 - kw) / stride.1 + 1
        guard h > 0, w > 0 else { throw TensorError.invalidArgument("Conv2D: input \(Shape.describe(input)) is smaller than the kernel") }
        return [input[0], weight.shape[0], h, w]
    }
}
