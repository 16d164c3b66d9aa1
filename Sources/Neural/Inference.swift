import Tensor

/// A model prepared for inference: evaluation mode, no tape, and every batch norm
/// that follows a convolution folded into that convolution's weights and bias,
/// once, when the plan is made.
///
/// A folded convolution also takes over the ReLU and the residual addition after
/// it, in place on its output (`fusedConv2d`): the course ResNets' conv → BN →
/// ReLU chains and their blocks' "add, then ReLU" run as one convolution each.
/// A batch norm behind a max pool folds too when all its scales are positive
/// (max commutes with an increasing map); otherwise it runs as a per-channel
/// affine map. Layers it does not know run as themselves. The parameters are
/// read when the plan is made: make a new one after training.
public struct InferencePlan {
    private let steps: [Step]

    /// Plans `model`, reading its parameters now; run it with the model in evaluation mode.
    public init(_ model: Layer) {
        steps = Self.plan([("", model)])
    }

    /// The model's output for `x` (no tape is recorded).
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try GradMode.withoutGradients { try Self.run(steps, x) }
    }

    /// A convolution with a batch norm folded in (or none), and what follows it in place.
    struct FoldedConv {
        let weight: Tensor, bias: Tensor?
        let stride: (Int, Int), padding: (Int, Int)
        let relu: Bool

        func callAsFunction(_ x: Tensor, residual: Tensor? = nil) throws -> Tensor {
            try fusedConv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, residual: residual, relu: relu)
        }
    }

    indirect enum Step {
        /// A layer run as itself.
        case layer(Layer)
        case conv(FoldedConv)
        /// An unfoldable batch norm: y = scale · x + shift, then ReLU if asked.
        case affine(scale: [Float], shift: [Float], relu: Bool)
        /// relu(main(x) + shortcut(x)): the main path's last convolution adds the shortcut in place.
        case residual(main: [Step], last: FoldedConv, shortcut: [Step])
    }

    static func run(_ steps: [Step], _ x: Tensor) throws -> Tensor {
        var h = x
        for step in steps {
            switch step {
            case let .layer(layer): h = try layer(h)
            case let .conv(conv): h = try conv(h)
            case let .affine(scale, shift, relu): h = try channelAffine(h, scale: scale, shift: shift, relu: relu)
            case let .residual(main, last, shortcut):
                let s = try run(shortcut, h)
                h = try last(try run(main, h), residual: s)
            }
        }
        return h
    }

    /// The batch norm's per-channel scale γ/σ and shift β − μ·γ/σ in evaluation mode.
    static func affine(_ bn: BatchNorm) -> (scale: [Float], shift: [Float]) {
        let (gamma, beta) = (bn.weight.value.scalars, bn.bias.value.scalars)
        let (mean, variance) = (bn.runningMean.value.scalars, bn.runningVar.value.scalars)
        let scale = (0..<gamma.count).map { gamma[$0] / (variance[$0] + bn.epsilon).squareRoot() }
        let shift = (0..<gamma.count).map { beta[$0] - mean[$0] * scale[$0] }
        return (scale, shift)
    }

    /// conv, then bn (if any), folded: w' = w · s per filter, b' = b · s + t.
    static func fold(_ conv: Conv2D, _ bn: BatchNorm?, extraPadding: (Int, Int) = (0, 0), relu: Bool) -> FoldedConv {
        let padding = (conv.padding.0 + extraPadding.0, conv.padding.1 + extraPadding.1)
        guard let bn, bn.weight.count == conv.weight.shape[0] else {
            return FoldedConv(weight: conv.weight.value.detached, bias: conv.bias?.value.detached,
                              stride: conv.stride, padding: padding, relu: relu)
        }
        let (scale, shift) = affine(bn)
        let w = conv.weight.value.scalars, b = conv.bias?.value.scalars
        let perFilter = w.count / scale.count
        var folded = w
        for f in 0..<scale.count {
            for i in 0..<perFilter { folded[f * perFilter + i] *= scale[f] }
        }
        let bias = (0..<scale.count).map { (b?[$0] ?? 0) * scale[$0] + shift[$0] }
        // The shapes are the layer's own, so these cannot fail.
        let weight = (try? Tensor(shape: conv.weight.shape, scalars: folded)) ?? conv.weight.value.detached
        return FoldedConv(weight: weight, bias: Tensor(bias), stride: conv.stride, padding: padding, relu: relu)
    }

    /// conv → max pool → bn (→ ReLU): the bn folds into the conv when every scale is positive.
    static func convPoolNorm(_ conv: Conv2D, _ pool: MaxPool2D, _ bn: BatchNorm, relu: Bool) -> [Step] {
        let (scale, shift) = affine(bn)
        if scale.allSatisfy({ $0 > 0 }) {
            return [.conv(fold(conv, bn, relu: relu)), .layer(pool)]
        }
        return [.conv(fold(conv, nil, relu: false)), .layer(pool), .affine(scale: scale, shift: shift, relu: relu)]
    }

    static func plan(_ layers: [(String, Layer)]) -> [Step] {
        var steps: [Step] = []
        var i = 0
        func next(_ offset: Int) -> Layer? { i + offset < layers.count ? layers[i + offset].1 : nil }
        /// Layer i is `conv`: it takes the batch norm and the ReLU right after it.
        func convChain(_ conv: Conv2D, padding: (Int, Int)) -> Step {
            i += 1
            let bn = next(0) as? BatchNorm
            if bn != nil { i += 1 }
            let relu = (next(0) as? Activation)?.function == .relu
            if relu { i += 1 }
            return .conv(fold(conv, bn, extraPadding: padding, relu: relu))
        }
        while i < layers.count {
            let layer = layers[i].1
            switch layer {
            case let seq as Sequential:
                steps += plan(seq.layers)
                i += 1
            case let pad as ZeroPad2D:
                if let conv = next(1) as? Conv2D {
                    // Zero padding then a convolution is the convolution with more padding.
                    i += 1
                    steps.append(convChain(conv, padding: pad.padding))
                } else {
                    steps.append(.layer(pad))
                    i += 1
                }
            case let conv as Conv2D:
                steps.append(convChain(conv, padding: (0, 0)))
            case let block as ConvolutionBlock:
                var main = convPoolNorm(block.conv1, block.pool, block.bn1, relu: true)
                main.append(.conv(fold(block.conv2, block.bn2, relu: true)))
                let shortcut = convPoolNorm(block.shortcutConv, block.shortcutPool, block.shortcutBN, relu: false)
                steps.append(.residual(main: main, last: fold(block.conv3, block.bn3, relu: true), shortcut: shortcut))
                i += 1
            case let block as IdentityBlock:
                let main: [Step] = [.conv(fold(block.conv1, block.bn1, relu: true)), .conv(fold(block.conv2, block.bn2, relu: true))]
                steps.append(.residual(main: main, last: fold(block.conv3, block.bn3, relu: true), shortcut: []))
                i += 1
            case let block as ResBlock:
                steps += plan(block.children)
                i += 1
            default:
                steps.append(.layer(layer))
                i += 1
            }
        }
        return steps
    }
}
