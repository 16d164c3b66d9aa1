import Tensor

/// Flattens everything after the batch axis (in NCHW order, as PyTorch does).
public final class Flatten: Layer {
    public override init() {}

    public override var kind: String { "Flatten" }

    public override func callAsFunction(_ x: Tensor) throws -> Tensor { try x.flattened(from: 1) }

    public override func outputShape(_ input: [Int]) throws -> [Int] {
        guard let n = input.first else { throw TensorError.invalidArgument("Flatten needs a batch axis") }
        return [n, input.dropFirst().reduce(1, *)]
    }
}
