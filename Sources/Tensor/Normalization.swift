/// Batch normalisation and dropout.

/// Running statistics that batch normalisation keeps between batches.
public struct BatchNormStatistics {
    /// Per-channel running mean (starts at 0).
    public var mean: Tensor
    /// Per-channel running variance (starts at 1), updated with the unbiased batch variance.
    public var variance: Tensor

    public init(channels: Int) {
        mean = .zeros([channels])
        variance = .ones([channels])
    }

    public init(mean: Tensor, variance: Tensor) {
        self.mean = mean
        self.variance = variance
    }
}

/// Batch normalisation over axis 1 of a [N, C] or [N, C, H, W] tensor.
///
/// In training, each channel is normalised with its batch mean and (biased)
/// variance, and the running statistics move toward the batch's by `momentum`
/// (PyTorch's convention: new = (1 − momentum)·old + momentum·batch, with the
/// unbiased variance; Keras' momentum 0.99 is PyTorch's 0.01). In inference the
/// running statistics are used.
public func batchNorm(
    _ x: Tensor, scale: Tensor, offset: Tensor, statistics: inout BatchNormStatistics,
    training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5
) throws -> Tensor {
    guard x.rank == 2 || x.rank == 4 else {
        throw TensorError.invalidArgument("batch_norm needs a [N, C] or [N, C, H, W] tensor, got \(Shape.describe(x.shape))")
    }
    let (n, c) = (x.shape[0], x.shape[1])
    let spatial = x.rank == 4 ? x.shape[2] * x.shape[3] : 1
    for (name, t) in [("scale", scale), ("offset", offset), ("running mean", statistics.mean), ("running variance", statistics.variance)] {
        guard t.shape == [c] else { throw TensorError.shapeMismatch(op: "batch_norm \(name)", t.shape, [c]) }
    }
    let m = n * spatial
    guard !training || m > 1 else {
        throw TensorError.invalidArgument("batch_norm in training needs more than one value per channel, got shape \(Shape.describe(x.shape))")
    }
    var mean = [Float](repeating: 0, count: c), invStd = [Float](repeating: 0, count: c)
    x.scalars.withUnsafeBufferPointer { src in
        for ch in 0..<c {
            if training {
                var sum: Double = 0, squares: Double = 0
                for b in 0..<n {
                    let base = (b * c + ch) * spatial
                    var s: Float = 0
                    for i in 0..<spatial { s += src[base + i] }
                    sum += Double(s)
                }
                let mu = sum / Double(m)
                for b in 0..<n {
                    let base = (b * c + ch) * spatial
                    var s: Float = 0
                    let muf = Float(mu)
                    for i in 0..<spatial { let d = src[base + i] - muf; s += d * d }
                    squares += Double(s)
                }
                let variance = squares / Double(m)
                mean[ch] = Float(mu)
                invStd[ch] = Float(1 / (variance + Double(epsilon)).squareRoot())
                statistics.mean.scalars[ch] = (1 - momentum) * statistics.mean.scalars[ch] + momentum * Float(mu)
                statistics.variance.scalars[ch] = (1 - momentum) * statistics.variance.scalars[ch]
                    + momentum * Float(squares / Double(m - 1))
            } else {
                mean[ch] = statistics.mean.scalars[ch]
                invStd[ch] = 1 / (statistics.variance.scalars[ch] + epsilon).squareRoot()
            }
        }
    }
    var normalized = [Float](repeating: 0, count: x.count)
    var out = [Float](repeating: 0, count: x.count)
    x.scalars.withUnsafeBufferPointer { src in
        for b in 0..<n {
            for ch in 0..<c {
                let base = (b * c + ch) * spatial
                let (mu, s, gamma, beta) = (mean[ch], invStd[ch], scale.scalars[ch], offset.scalars[ch])
                for i in 0..<spatial {
                    let h = (src[base + i] - mu) * s
                    normalized[base + i] = h
                    out[base + i] = h * gamma + beta
                }
            }
        }
    }
    let result = Tensor(uncheckedShape: x.shape, scalars: out)
    return result.recording("batch_norm", [x, scale, offset]) { grad, needs in
        var sumG = [Float](repeating: 0, count: c), sumGH = [Float](repeating: 0, count: c)
        grad.scalars.withUnsafeBufferPointer { g in
            for b in 0..<n {
                for ch in 0..<c {
                    let base = (b * c + ch) * spatial
                    var s: Float = 0, sh: Float = 0
                    for i in 0..<spatial { s += g[base + i]; sh += g[base + i] * normalized[base + i] }
                    sumG[ch] += s; sumGH[ch] += sh
                }
            }
        }
        var dx: Tensor?
        if needs[0] {
            var values = [Float](repeating: 0, count: x.count)
            grad.scalars.withUnsafeBufferPointer { g in
                for b in 0..<n {
                    for ch in 0..<c {
                        let base = (b * c + ch) * spatial
                        let k = scale.scalars[ch] * invStd[ch]
                        if training {
                            // dx = γ/σ · (g − mean(g) − x̂ · mean(g·x̂))
                            let mg = sumG[ch] / Float(m), mgh = sumGH[ch] / Float(m)
                            for i in 0..<spatial { values[base + i] = k * (g[base + i] - mg - normalized[base + i] * mgh) }
                        } else {
                            for i in 0..<spatial { values[base + i] = k * g[base + i] }
                        }
                    }
                }
            }
            dx = Tensor(uncheckedShape: x.shape, scalars: values)
        }
        return [dx, needs[1] ? Tensor(sumGH) : nil, needs[2] ? Tensor(sumG) : nil]
    }
}

/// Inverted dropout: in training, zeroes each value with probability `rate`
/// and scales the rest by 1 / (1 − rate); in inference, the identity.
public func dropout(_ x: Tensor, rate: Float, training: Bool, using rng: inout RandomGenerator) throws -> Tensor {
    guard rate >= 0 && rate < 1 else { throw TensorError.invalidArgument("dropout rate must be in [0, 1), got \(rate)") }
    guard training && rate > 0 else { return x }
    let keep = 1 / (1 - rate)
    let mask = Tensor(uncheckedShape: x.shape, scalars: (0..<x.count).map { _ in rng.nextFloat() < rate ? 0 : keep })
    return try x * mask
}
