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
///
/// With `relu`, the result is relu(batch norm) in the same pass, and the backward
/// pass masks the gradient with it (no separate ReLU buffers either way).
public func batchNorm(
    _ x: Tensor, scale: Tensor, offset: Tensor, statistics: inout BatchNormStatistics,
    training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5, relu: Bool = false
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
    if training {
        // Per-channel batch statistics, channels spread over the threads.
        var sums = [Double](repeating: 0, count: 2 * c)
        x.scalars.withUnsafeBufferPointer { src in
            sums.withUnsafeMutableBufferPointer { out in
                let src = src.baseAddress!, out = out.baseAddress!
                Parallel.forEachRange(c, cost: 2 * n * spatial) { channels in
                    for ch in channels {
                        var sum: Double = 0, squares: Double = 0
                        for b in 0..<n {
                            let plane = src + (b * c + ch) * spatial
                            var s: Float = 0
                            for i in 0..<spatial { s += plane[i] }
                            sum += Double(s)
                        }
                        let mu = sum / Double(m), muf = Float(mu)
                        for b in 0..<n {
                            let plane = src + (b * c + ch) * spatial
                            var s: Float = 0
                            for i in 0..<spatial { let d = plane[i] - muf; s += d * d }
                            squares += Double(s)
                        }
                        out[2 * ch] = mu
                        out[2 * ch + 1] = squares
                    }
                }
            }
        }
        for ch in 0..<c {
            let mu = sums[2 * ch], squares = sums[2 * ch + 1]
            let variance = squares / Double(m)
            mean[ch] = Float(mu)
            invStd[ch] = Float(1 / (variance + Double(epsilon)).squareRoot())
            statistics.mean.scalars[ch] = (1 - momentum) * statistics.mean.scalars[ch] + momentum * Float(mu)
            statistics.variance.scalars[ch] = (1 - momentum) * statistics.variance.scalars[ch]
                + momentum * Float(squares / Double(m - 1))
        }
    } else {
        for ch in 0..<c {
            mean[ch] = statistics.mean.scalars[ch]
            invStd[ch] = 1 / (statistics.variance.scalars[ch] + epsilon).squareRoot()
        }
    }
    let gammas = scale.scalars, betas = offset.scalars
    // Every value of both is written below: nothing to zero first.
    var normalized: [Float] = []
    let out = [Float](unsafeUninitializedCapacity: x.count) { dst, outInitialized in
        normalized = [Float](unsafeUninitializedCapacity: x.count) { hat, hatInitialized in
            x.scalars.withUnsafeBufferPointer { src in
                guard let src = src.baseAddress, let hat = hat.baseAddress, let dst = dst.baseAddress else { return }
                Parallel.forEachRange(n * c, cost: 2 * spatial) { planes in
                    for plane in planes {
                        let ch = plane % c, base = plane * spatial
                        let (mu, s, gamma, beta) = (mean[ch], invStd[ch], gammas[ch], betas[ch])
                        if relu {
                            for i in 0..<spatial {
                                let h = (src[base + i] - mu) * s
                                hat[base + i] = h
                                dst[base + i] = max(h * gamma + beta, 0)
                            }
                        } else {
                            for i in 0..<spatial {
                                let h = (src[base + i] - mu) * s
                                hat[base + i] = h
                                dst[base + i] = h * gamma + beta
                            }
                        }
                    }
                }
            }
            hatInitialized = x.count
        }
        outInitialized = x.count
    }
    let result = Tensor(uncheckedShape: x.shape, scalars: out)
    // Raw kernels: the input's gradient reads the input (its statistics) and the scale,
    // the scale's reads the input, the offset's only the incoming gradient.
    return result.recording(relu ? "batch_norm_relu" : "batch_norm", [x, scale, offset],
                            secondOrder: .rawKernel(reads: [[0, 1], [0], []])) { upstream, needs in
        // Through the fused ReLU: the gradient where the output is positive.
        let grad = relu ? upstream.zipMap(result) { g, y in y > 0 ? g : 0 } : upstream
        var sumG = [Float](repeating: 0, count: c), sumGH = [Float](repeating: 0, count: c)
        grad.scalars.withUnsafeBufferPointer { g in
            normalized.withUnsafeBufferPointer { hat in
                sumG.withUnsafeMutableBufferPointer { sg in
                    sumGH.withUnsafeMutableBufferPointer { sgh in
                        let (g, hat, sg, sgh) = (g.baseAddress!, hat.baseAddress!, sg.baseAddress!, sgh.baseAddress!)
                        Parallel.forEachRange(c, cost: 2 * n * spatial) { channels in
                            for ch in channels {
                                for b in 0..<n {
                                    let base = (b * c + ch) * spatial
                                    var s: Float = 0, sh: Float = 0
                                    for i in 0..<spatial { s += g[base + i]; sh += g[base + i] * hat[base + i] }
                                    sg[ch] += s; sgh[ch] += sh
                                }
                            }
                        }
                    }
                }
            }
        }
        var dx: Tensor?
        if needs[0] {
            var values = [Float](repeating: 0, count: x.count)
            grad.scalars.withUnsafeBufferPointer { g in
                normalized.withUnsafeBufferPointer { hat in
                    values.withUnsafeMutableBufferPointer { v in
                        let (g, hat, v) = (g.baseAddress!, hat.baseAddress!, v.baseAddress!)
                        Parallel.forEachRange(n * c, cost: 2 * spatial) { planes in
                            for plane in planes {
                                let ch = plane % c, base = plane * spatial
                                let k = gammas[ch] * invStd[ch]
                                if training {
                                    // dx = γ/σ · (g − mean(g) − x̂ · mean(g·x̂))
                                    let mg = sumG[ch] / Float(m), mgh = sumGH[ch] / Float(m)
                                    for i in 0..<spatial { v[base + i] = k * (g[base + i] - mg - hat[base + i] * mgh) }
                                } else {
                                    for i in 0..<spatial { v[base + i] = k * g[base + i] }
                                }
                            }
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
