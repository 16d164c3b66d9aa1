import Foundation

/// Tensors made from nothing but a shape, a range or a seed.
extension Tensor {
    /// A tensor of zeros (a negative extent is taken as 0, here and in every creation function).
    public static func zeros(_ shape: [Int]) -> Tensor { full(shape, 0) }

    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }

    /// A tensor filled with one value.
    public static func full(_ shape: [Int], _ value: Float) -> Tensor {
        let shape = Shape.clamped(shape)
        return Tensor(uncheckedShape: shape, scalars: [Float](repeating: value, count: Shape.count(shape)))
    }

    /// Values from `start` up to, not including, `end`, `step` apart.
    public static func arange(_ start: Float, _ end: Float, step: Float = 1) throws -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
            throw TensorError.invalidArgument("arange needs a finite, non-zero step")
        }
        // Counted and stepped in double precision, as PyTorch does, then rounded once.
        let n = Swift.max(0, Int(((Double(end) - Double(start)) / Double(step)).rounded(.up)))
        return Tensor((0..<n).map { Float(Double(start) + Double($0) * Double(step)) })
    }

    /// `count` values evenly spaced from `start` to `end`, both included.
    public static func linspace(_ start: Float, _ end: Float, count: Int) throws -> Tensor {
        guard count >= 0 else { throw TensorError.invalidArgument("linspace needs a count >= 0, got \(count)") }
        if count == 1 { return Tensor([start]) }
        let step = (Double(end) - Double(start)) / Double(count - 1)
        return Tensor((0..<count).map { Float(Double(start) + Double($0) * step) })
    }

    /// The n×n identity matrix.
    public static func eye(_ n: Int) -> Tensor {
        let n = Swift.max(0, n)
        var t = zeros([n, n])
        for i in 0..<n { t.scalars[i * n + i] = 1 }
        return t
    }

    /// Uniform values in [low, high).
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, using rng: inout RandomGenerator) -> Tensor {
        let shape = Shape.clamped(shape)
        return Tensor(uncheckedShape: shape, scalars: (0..<Shape.count(shape)).map { _ in rng.nextFloat(in: low, high) })
    }

    /// Uniform values in [0, 1) from a seed.
    public static func rand(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return uniform(shape, using: &rng)
    }

    /// Normal values (mean 0, standard deviation 1 unless given).
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, using rng: inout RandomGenerator) -> Tensor {
        let shape = Shape.clamped(shape)
        return Tensor(uncheckedShape: shape, scalars: (0..<Shape.count(shape)).map { _ in mean + std * rng.nextNormal() })
    }

    /// Standard normal values from a seed.
    public static func randn(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return normal(shape, using: &rng)
    }

    /// Ones with probability `p`, zeros otherwise.
    public static func bernoulli(_ shape: [Int], p: Float, using rng: inout RandomGenerator) throws -> Tensor {
        guard p >= 0 && p <= 1 else { throw TensorError.invalidArgument("bernoulli needs 0 <= p <= 1, got \(p)") }
        let shape = Shape.clamped(shape)
        return Tensor(uncheckedShape: shape, scalars: (0..<Shape.count(shape)).map { _ in rng.nextFloat() < p ? 1 : 0 })
    }

    /// Glorot (Xavier) uniform initialisation, Keras' default for kernels:
    /// U(−l, l) with l = √(6 / (fanIn + fanOut)).
    public static func glorotUniform(_ shape: [Int], fanIn: Int, fanOut: Int, using rng: inout RandomGenerator) -> Tensor {
        let limit = Float((6.0 / Double(Swift.max(1, fanIn + fanOut))).squareRoot())
        return uniform(shape, low: -limit, high: limit, using: &rng)
    }

    /// He normal initialisation as Keras draws it: a normal truncated at two
    /// standard deviations, scaled so that the result has standard deviation √(2 / fanIn).
    public static func heNormal(_ shape: [Int], fanIn: Int, using rng: inout RandomGenerator) -> Tensor {
        // 0.8796... is the standard deviation of a standard normal truncated to [-2, 2].
        let shape = Shape.clamped(shape)
        let std = Float((2.0 / Double(Swift.max(1, fanIn))).squareRoot() / 0.879_625_661_034_239_78)
        let values = (0..<Shape.count(shape)).map { _ -> Float in
            while true {
                let z = rng.nextNormal()
                if Swift.abs(z) <= 2 { return z * std }
            }
        }
        return Tensor(uncheckedShape: shape, scalars: values)
    }

    /// The fan-in and fan-out of a weight shape as Keras counts them:
    /// `[out, in]` for dense layers, `[out, in, kh, kw]` for convolutions.
    public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (shape[0], shape[0])
        case 2: return (shape[1], shape[0])
        default:
            let receptive = shape.dropFirst(2).reduce(1, *)
            return (shape[1] * receptive, shape[0] * receptive)
        }
    }
}
