import Tensor

/// The filter counts of a residual block's three convolutions (1×1, 3×3, 1×1); the
/// block outputs `f3` channels.
public struct BlockFilters: Equatable, Sendable {
    public var f1, f2, f3: Int

    /// Counts for the first 1×1, the 3×3 and the last 1×1 convolution.
    public init(_ f1: Int, _ f2: Int, _ f3: Int) {
        (self.f1, self.f2, self.f3) = (f1, f2, f3)
    }

    /// The counts of a list of exactly three (as `ResNetConfig.stages` holds them), else nil.
    public init?(_ counts: [Int]) {
        guard counts.count == 3 else { return nil }
        self.init(counts[0], counts[1], counts[2])
    }
}

/// The course's convolution block (notebooks/04-keypoints.ainb): a residual block whose
/// main path and shortcut both halve the size with a 2×2 max pool.
///
/// Main path: Conv 1×1 (f1) → MaxPool 2×2 → BN → ReLU → Conv 3×3 same (f2) → BN →
/// ReLU → Conv 1×1 (f3) → BN. Shortcut: Conv 1×1 (f3) → MaxPool 2×2 → BN. Then
/// add and ReLU. All strides 1.
public final class ConvolutionBlock: Layer {
    public let conv1: Conv2D, pool: MaxPool2D, bn1: BatchNorm
    public let conv2: Conv2D, bn2: BatchNorm
    public let conv3: Conv2D, bn3: BatchNorm
    public let shortcutConv: Conv2D, shortcutPool: MaxPool2D, shortcutBN: BatchNorm

    /// A convolution block from `inChannels` with filters (f1, f2, f3).
    public init(_ inChannels: Int, filters: BlockFilters, batchNorm: BatchNormOptions = .keras, rng: inout RandomGenerator) {
        let (f1, f2, f3) = (filters.f1, filters.f2, filters.f3)
        conv1 = Conv2D(inChannels, f1, kernel: (1, 1), rng: &rng)
        pool = MaxPool2D((2, 2))
        bn1 = batchNorm.make(f1)
        conv2 = Conv2D(f1, f2, kernel: (3, 3), padding: .same, rng: &rng)
        bn2 = batchNorm.make(f2)
        conv3 = Conv2D(f2, f3, kernel: (1, 1), rng: &rng)
        bn3 = batchNorm.make(f3)
        shortcutConv = Conv2D(inChannels, f3, kernel: (1, 1), rng: &rng)
        shortcutPool = MaxPool2D((2, 2))
        shortcutBN = batchNorm.make(f3)
    }

    public override var kind: String { "ConvolutionBlock" }

    public override var children: [(String, Layer)] {
        [("conv1", conv1), ("pool", pool), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2),
         ("conv3", conv3), ("bn3", bn3),
         ("shortcut_conv", shortcutConv), ("shortcut_pool", shortcutPool), ("shortcut_bn", shortcutBN)]
    }

    public override func callAsFunction(_ x: Tensor) throws -> Tensor {
        var h = try bn1(try pool(try conv1(x)), relu: true)
        h = try bn2(try conv2(h), relu: true)
        h = try bn3(try conv3(h))
        let s = try shortcutBN(try shortcutPool(try shortcutConv(x)))
        return try addReLU(h, s)
    }

    public override func outputShape(_ input: [Int]) throws -> [Int] {
        try summaryRows(prefix: "", input: input).output
    }

    public override func summaryRows(prefix: String, input: [Int]) throws -> (rows: [SummaryRow], output: [Int]) {
        try residualSummary(prefix: prefix, input: input,
                            main: [("conv1", conv1), ("pool", pool), ("bn1", bn1), ("relu1", nil), ("conv2", conv2),
                                   ("bn2", bn2), ("relu2", nil), ("conv3", conv3), ("bn3", bn3)],
                            shortcut: [("shortcut_conv", shortcutConv), ("shortcut_pool", shortcutPool), ("shortcut_bn", shortcutBN)])
    }
}

/// The course's identity block: Conv 1×1 (f1) → BN → ReLU → Conv 3×3 same (f2) →
/// BN → ReLU → Conv 1×1 (f3) → BN, plus the input, then ReLU.
public final class IdentityBlock: Layer {
    public let conv1: Conv2D, bn1: BatchNorm
    public let conv2: Conv2D, bn2: BatchNorm
    public let conv3: Conv2D, bn3: BatchNorm

    /// An identity block; `inChannels` must equal f3 for the addition.
    public init(_ inChannels: Int, filters: BlockFilters, batchNorm: BatchNormOptions = .keras, rng: inout RandomGenerator) {
        let (f1, f2, f3) = (filters.f1, filters.f2, filters.f3)
        conv1 = Conv2D(inChannels, f1, kernel: (1, 1), rng: &rng)
        bn1 = batchNorm.make(f1)
        conv2 = Conv2D(f1, f2, kernel: (3, 3), padding: .same, rng: &rng)
        bn2 = batchNorm.make(f2)
        conv3 = Conv2D(f2, f3, kernel: (1, 1), rng: &rng)
        bn3 = batchNorm.make(f3)
    }

    public override var kind: String { "IdentityBlock" }

    public override var children: [(String, Layer)] {
        [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2), ("conv3", conv3), ("bn3", bn3)]
    }

    public override func callAsFunction(_ x: Tensor) throws -> Tensor {
        var h = try bn1(try conv1(x), relu: true)
        h = try bn2(try conv2(h), relu: true)
        h = try bn3(try conv3(h))
        return try addReLU(h, x)
    }

    public override func outputShape(_ input: [Int]) throws -> [Int] {
        try summaryRows(prefix: "", input: input).output
    }

    public override func summaryRows(prefix: String, input: [Int]) throws -> (rows: [SummaryRow], output: [Int]) {
        try residualSummary(prefix: prefix, input: input,
                            main: [("conv1", conv1), ("bn1", bn1), ("relu1", nil), ("conv2", conv2), ("bn2", bn2),
                                   ("relu2", nil), ("conv3", conv3), ("bn3", bn3)],
                            shortcut: [])
    }
}

/// Summary rows of a residual block: the main path, the shortcut, the addition.
private func residualSummary(
    prefix: String, input: [Int], main: [(String, Layer?)], shortcut: [(String, Layer)]
) throws -> (rows: [SummaryRow], output: [Int]) {
    var rows: [SummaryRow] = []
    func walk(_ path: [(String, Layer?)]) throws -> [Int] {
        var s = input
        for (name, layer) in path {
            if let layer {
                let (r, out) = try layer.summaryRows(prefix: prefix + "." + name, input: s)
                rows += r
                s = out
            } else {
                rows.append(SummaryRow(name: prefix + "." + name, kind: "ReLU", outputShape: s, parameters: 0))
            }
        }
        return s
    }
    let m = try walk(main)
    let s = try walk(shortcut.map { ($0.0, $0.1) })
    guard m == s else { throw TensorError.shapeMismatch(op: "residual add", m, s) }
    rows.append(SummaryRow(name: prefix + ".add", kind: "Add+ReLU", outputShape: m, parameters: 0))
    return (rows, m)
}

/// The course's res-block: one convolution block and two identity blocks.
public final class ResBlock: Layer {
    /// The convolution block (halves the size).
    public let conv: ConvolutionBlock
    /// The first identity block.
    public let id1: IdentityBlock
    /// The second identity block.
    public let id2: IdentityBlock

    /// A res-block from `inChannels` with filters (f1, f2, f3); it outputs f3 channels at half the size.
    public init(_ inChannels: Int, filters: BlockFilters, batchNorm: BatchNormOptions = .keras, rng: inout RandomGenerator) {
        conv = ConvolutionBlock(inChannels, filters: filters, batchNorm: batchNorm, rng: &rng)
        id1 = IdentityBlock(filters.f3, filters: filters, batchNorm: batchNorm, rng: &rng)
        id2 = IdentityBlock(filters.f3, filters: filters, batchNorm: batchNorm, rng: &rng)
    }

    public override var kind: String { "ResBlock" }

    public override var children: [(String, Layer)] { [("conv", conv), ("id1", id1), ("id2", id2)] }

    public override func callAsFunction(_ x: Tensor) throws -> Tensor {
        try id2(try id1(try conv(x)))
    }

    public override func outputShape(_ input: [Int]) throws -> [Int] {
        try id2.outputShape(try id1.outputShape(try conv.outputShape(input)))
    }

    public override func summaryRows(prefix: String, input: [Int]) throws -> (rows: [SummaryRow], output: [Int]) {
        var rows: [SummaryRow] = []
        var s = input
        for (name, layer) in children {
            let (r, out) = try layer.summaryRows(prefix: prefix + "." + name, input: s)
            rows += r
            s = out
        }
        return (rows, s)
    }
}

/// Batch norm settings shared by a model's layers.
public struct BatchNormOptions: Sendable {
    /// PyTorch-convention momentum (weight of the new batch).
    public var momentum: Float
    /// Added to the variance.
    public var epsilon: Float

    public init(momentum: Float, epsilon: Float) {
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// Keras' defaults: momentum 0.99 (0.01 here) and epsilon 1e-3.
    public static let keras = BatchNormOptions(momentum: 0.01, epsilon: 1e-3)
    /// PyTorch's defaults: momentum 0.1 and epsilon 1e-5.
    public static let pytorch = BatchNormOptions(momentum: 0.1, epsilon: 1e-5)

    func make(_ channels: Int) -> BatchNorm { BatchNorm(channels, momentum: momentum, epsilon: epsilon) }
}
