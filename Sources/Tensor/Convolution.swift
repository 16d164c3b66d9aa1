/// 2-D convolution and pooling on NCHW tensors ([batch, channels, height, width]).
///
/// Convolution weights are [outChannels, inChannels, kernelH, kernelW], as in
/// PyTorch. Padding is zeros, the same on both sides of an axis.

/// The geometry of one 2-D window sweep.
public struct Conv2DGeometry: Equatable {
    public var batch, channels, height, width: Int
    public var kernelH, kernelW, strideH, strideW, padH, padW: Int
    public var outH: Int { (height + 2 * padH - kernelH) / strideH + 1 }
    public var outW: Int { (width + 2 * padW - kernelW) / strideW + 1 }
}

extension Tensor {
    func checkNCHW(_ op: String) throws -> (Int, Int, Int, Int) {
        guard rank == 4 else {
            throw TensorError.invalidArgument("\(op) needs a 4-D NCHW tensor, got shape \(Shape.describe(shape))")
        }
        return (shape[0], shape[1], shape[2], shape[3])
    }
}

private func geometry(
    _ op: String, _ x: Tensor, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int)
) throws -> Conv2DGeometry {
    let (n, c, h, w) = try x.checkNCHW(op)
    guard kernel.0 > 0, kernel.1 > 0, stride.0 > 0, stride.1 > 0, padding.0 >= 0, padding.1 >= 0 else {
        throw TensorError.invalidArgument("\(op): kernel and stride must be positive and padding non-negative")
    }
    let g = Conv2DGeometry(batch: n, channels: c, height: h, width: w, kernelH: kernel.0, kernelW: kernel.1,
                           strideH: stride.0, strideW: stride.1, padH: padding.0, padW: padding.1)
    guard h + 2 * padding.0 >= kernel.0, w + 2 * padding.1 >= kernel.1 else {
        throw TensorError.invalidArgument(
            "\(op): a \(kernel.0)×\(kernel.1) window does not fit input \(Shape.describe(x.shape)) with padding \(padding.0)")
    }
    return g
}

/// Pooling padding of at most half the kernel, as PyTorch requires: every window then
/// holds at least one input value (a window of padding alone has no maximum).
private func checkPoolPadding(_ op: String, kernel: (Int, Int), padding: (Int, Int)) throws {
    guard padding.0 <= kernel.0 / 2, padding.1 <= kernel.1 / 2 else {
        throw TensorError.invalidArgument(
            "\(op): padding (\(padding.0), \(padding.1)) must be at most half the kernel (\(kernel.0), \(kernel.1))")
    }
}

/// A 2-D convolution (cross-correlation, as in every deep-learning library).
public func conv2d(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil,
    stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)
) throws -> Tensor {
    guard weight.rank == 4 else { throw TensorError.invalidArgument("conv2d weight must be 4-D [out, in, kh, kw], got \(Shape.describe(weight.shape))") }
    let g = try geometry("conv2d", x, kernel: (weight.shape[2], weight.shape[3]), stride: stride, padding: padding)
    guard weight.shape[1] == g.channels else { throw TensorError.shapeMismatch(op: "conv2d", x.shape, weight.shape) }
    let filters = weight.shape[0]
    if let bias, bias.shape != [filters] { throw TensorError.shapeMismatch(op: "conv2d bias", bias.shape, [filters]) }
    let out = ConvKernels.forward(x.scalars, weight.scalars, bias?.scalars, g, filters: filters)
    try Interruption.check()
    let result = Tensor(uncheckedShape: [g.batch, filters, g.outH, g.outW], scalars: out)
    let inputs: [Tensor] = bias.map { [x, weight, $0] } ?? [x, weight]
    // Raw kernels: the input's gradient reads the weight, the weight's the input.
    return result.recording("conv2d", inputs, secondOrder: .rawKernel(reads: [[1], [0], []])) { grad, needs in
        let (dx, dw) = ConvKernels.backward(grad.scalars, x.scalars, weight.scalars, g, filters: filters,
                                            needInput: needs[0], needWeight: needs[1])
        var grads: [Tensor?] = [dx.map { Tensor(uncheckedShape: x.shape, scalars: $0) },
                                dw.map { Tensor(uncheckedShape: weight.shape, scalars: $0) }]
        if bias != nil { grads.append(needs[2] ? try grad.sum(axes: [0, 2, 3]) : nil) }
        return grads
    }
}

/// Max pooling; windows that overlap the padding ignore it. The gradient goes to
/// the first largest element of each window.
public func maxPool2d(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) throws -> Tensor {
    try checkPoolPadding("max_pool2d", kernel: kernel, padding: padding)
    let g = try geometry("max_pool2d", x, kernel: kernel, stride: stride ?? kernel, padding: padding)
    let (oh, ow) = (g.outH, g.outW)
    let planes = g.batch * g.channels
    let size = planes * oh * ow
    let windowCost = g.height * g.width + oh * ow * g.kernelH * g.kernelW
    // The kernel writes every output and index: nothing to zero first.
    var argmax: [Int32] = []
    let out = [Float](unsafeUninitializedCapacity: size) { dst, initialized in
        argmax = [Int32](unsafeUninitializedCapacity: size) { arg, argInitialized in
            x.scalars.withUnsafeBufferPointer { src in
                guard let src = src.baseAddress, let dst = dst.baseAddress, let arg = arg.baseAddress else { return }
                Parallel.forEachRange(planes, cost: windowCost) { range in
                    PoolKernels.maxForward(src, dst, arg, g, planes: range)
                }
            }
            argInitialized = size
        }
        initialized = size
    }
    let result = Tensor(uncheckedShape: [g.batch, g.channels, oh, ow], scalars: out)
    return result.recording("max_pool2d", [x], secondOrder: .rawKernel(reads: [[]])) { grad, _ in
        var dx = [Float](repeating: 0, count: x.count)
        grad.scalars.withUnsafeBufferPointer { gs in
            argmax.withUnsafeBufferPointer { arg in
                dx.withUnsafeMutableBufferPointer { d in
                    Parallel.forEachRange(planes, cost: g.height * g.width + oh * ow) { range in
                        PoolKernels.maxBackward(gs.baseAddress!, arg.baseAddress!, d.baseAddress!, g, planes: range)
                    }
                }
            }
        }
        return [Tensor(uncheckedShape: x.shape, scalars: dx)]
    }
}

/// Average pooling; padded positions count as zeros in the average (PyTorch's default).
public func avgPool2d(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) throws -> Tensor {
    try checkPoolPadding("avg_pool2d", kernel: kernel, padding: padding)
    let g = try geometry("avg_pool2d", x, kernel: kernel, stride: stride ?? kernel, padding: padding)
    let (oh, ow) = (g.outH, g.outW)
    let planes = g.batch * g.channels
    let windowCost = g.height * g.width + oh * ow * g.kernelH * g.kernelW
    var out = [Float](repeating: 0, count: planes * oh * ow)
    x.scalars.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            Parallel.forEachRange(planes, cost: windowCost) { range in
                PoolKernels.avgForward(src.baseAddress!, dst.baseAddress!, g, planes: range)
            }
        }
    }
    let result = Tensor(uncheckedShape: [g.batch, g.channels, oh, ow], scalars: out)
    return result.recording("avg_pool2d", [x], secondOrder: .rawKernel(reads: [[]])) { grad, _ in
        var dx = [Float](repeating: 0, count: x.count)
        grad.scalars.withUnsafeBufferPointer { gs in
            dx.withUnsafeMutableBufferPointer { d in
                Parallel.forEachRange(planes, cost: windowCost) { range in
                    PoolKernels.avgBackward(gs.baseAddress!, d.baseAddress!, g, planes: range)
                }
            }
        }
        return [Tensor(uncheckedShape: x.shape, scalars: dx)]
    }
}

/// Inference convolution, without a tape: relu(conv(x, weight) + bias + residual),
/// the addition and the ReLU done in place on the convolution's output (no
/// temporaries). This is what a conv → batch norm (folded into weight and bias)
/// → [+ shortcut] → ReLU chain of an evaluated model becomes.
///
/// It records no gradient: it throws when gradients are being recorded and an
/// input has a tape (use `conv2d` to train).
public func fusedConv2d(
    _ x: Tensor, weight: Tensor, bias: Tensor?, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
    residual: Tensor? = nil, relu: Bool = false
) throws -> Tensor {
    let inputs = [x, weight] + (bias.map { [$0] } ?? []) + (residual.map { [$0] } ?? [])
    guard !GradMode.isEnabled || inputs.allSatisfy({ $0.node == nil }) else {
        throw TensorError.invalidArgument("fused_conv2d is for inference: it has no gradient (use conv2d)")
    }
    guard weight.rank == 4 else { throw TensorError.invalidArgument("fused_conv2d weight must be 4-D [out, in, kh, kw], got \(Shape.describe(weight.shape))") }
    let g = try geometry("fused_conv2d", x, kernel: (weight.shape[2], weight.shape[3]), stride: stride, padding: padding)
    guard weight.shape[1] == g.channels else { throw TensorError.shapeMismatch(op: "fused_conv2d", x.shape, weight.shape) }
    let filters = weight.shape[0]
    if let bias, bias.shape != [filters] { throw TensorError.shapeMismatch(op: "fused_conv2d bias", bias.shape, [filters]) }
    let shape = [g.batch, filters, g.outH, g.outW]
    if let residual, residual.shape != shape { throw TensorError.shapeMismatch(op: "fused_conv2d residual", residual.shape, shape) }
    var out = ConvKernels.forward(x.scalars, weight.scalars, bias?.scalars, g, filters: filters)
    if residual != nil || relu {
        out.withUnsafeMutableBufferPointer { o in
            let o = o.baseAddress!
            if let residual {
                residual.scalars.withUnsafeBufferPointer { r in
                    let r = r.baseAddress!
                    Parallel.forEachRange(Shape.count(shape), cost: 2) { range in
                        if relu {
                            for i in range { o[i] = max(o[i] + r[i], 0) }
                        } else {
                            for i in range { o[i] += r[i] }
                        }
                    }
                }
            } else {
                Parallel.forEachRange(Shape.count(shape), cost: 1) { range in
                    for i in range { o[i] = max(o[i], 0) }
                }
            }
        }
    }
    return Tensor(uncheckedShape: shape, scalars: out)
}

/// Inference per-channel affine map of an NCHW tensor, without a tape:
/// y = scale[c] · x + shift[c], then ReLU if asked (an evaluated batch norm that
/// cannot be folded into a convolution).
public func channelAffine(_ x: Tensor, scale: [Float], shift: [Float], relu: Bool = false) throws -> Tensor {
    let (n, c, h, w) = try x.checkNCHW("channel_affine")
    guard scale.count == c, shift.count == c else { throw TensorError.shapeMismatch(op: "channel_affine", x.shape, [scale.count]) }
    guard !GradMode.isEnabled || x.node == nil else {
        throw TensorError.invalidArgument("channel_affine is for inference: it has no gradient")
    }
    let spatial = h * w
    var out = [Float](repeating: 0, count: x.count)
    x.scalars.withUnsafeBufferPointer { s in
        out.withUnsafeMutableBufferPointer { d in
            let (s, d) = (s.baseAddress!, d.baseAddress!)
            Parallel.forEachRange(n * c, cost: spatial) { planes in
                for plane in planes {
                    let (a, b) = (scale[plane % c], shift[plane % c])
                    let src = s + plane * spatial, dst = d + plane * spatial
                    if relu {
                        for i in 0..<spatial { dst[i] = max(a * src[i] + b, 0) }
                    } else {
                        for i in 0..<spatial { dst[i] = a * src[i] + b }
                    }
                }
            }
        }
    }
    return Tensor(uncheckedShape: x.shape, scalars: out)
}
