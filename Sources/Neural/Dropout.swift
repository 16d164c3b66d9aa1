import Tensor

/// Inverted dropout with its own seeded generator; the identity in evaluation mode.
public final class Dropout: Layer {
    /// The probability of zeroing each value.
    public let rate: Float
    var rng: RandomGenerator

    /// Drops each value with probability `rate` in training; the mask stream is fixed by `seed`.
    public init(_ rate: Float, seed: UInt64) {
        self.rate = rate
        self.rng = RandomGenerator(seed: seed)
    }

    public override var kind: String { "Dropout" }

    public override func callAsFunction(_ x: Tensor) throws -> Tensor {
        try dropout(x, rate: rate, training: isTraining, using: &rng)
    }
}
