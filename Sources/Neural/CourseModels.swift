import Tensor

/// The shape of the course's ResNets, with every width a parameter so that
/// small variants (for tests and fixtures) share the exact structure.
public struct ResNetConfig: Sendable {
    /// Image channels, height and width.
    public var input: (channels: Int, height: Int, width: Int) = (1, 96, 96)
    /// Filters of the 7×7 stem convolution.
    public var stemFilters = 64
    /// Filters (f1, f2, f3) of each res-block.
    public var stages: [[Int]] = [[64, 64, 256], [128, 128, 512]]
    /// The average-pool window after the res-blocks.
    public var averagePool = 2
    /// Hidden dense layers (each followed by ReLU and dropout).
    public var hidden: [Int] = []
    /// Dropout rate after each hidden layer.
    public var dropout: [Float] = []
    /// Output units.
    public var outputs = 30
    /// A ReLU on the output (the course's keypoint model has one; it is off by default).
    public var outputReLU = false
    /// Batch norm settings.
    public var batchNorm = BatchNormOptions.keras
    /// Standardise each image (zero mean, unit deviation) before the stem: a `Standardize`
    /// layer named `standardize` (off in the course's models; see `Standardize` for why).
    public var standardizeInput = false

    public init() {}

    /// The course's keypoint model.
    public static func keypoints(outputReLU: Bool = false) -> ResNetConfig {
        var c = ResNetConfig()
        c.hidden = [4096, 2048]
        c.dropout = [0.2, 0.1]
        c.outputReLU = outputReLU
        return c
    }

    /// The course's emotion model.
    public static func emotions(classes: Int = 5) -> ResNetConfig {
        var c = ResNetConfig()
        c.averagePool = 4
        c.outputs = classes
        return c
    }
}

/// Builds a course ResNet: [Standardize →] ZeroPad 3 → Conv 7×7/2 → BN → ReLU → MaxPool 3×3/2 →
/// res-blocks → AvgPool → Flatten → [Dense → ReLU → Dropout]* → Dense.
///
/// Names: `[standardize,] pad, conv1, bn1, relu, pool, res1, res2, …, avgpool, flatten,
/// fc1, relu1, drop1, …, out` (and `out_relu`), which the PyTorch copy in
/// `bench/torch_models.py` mirrors.
public func courseResNet(_ config: ResNetConfig, seed: UInt64 = 0) throws -> Sequential {
    guard config.hidden.count == config.dropout.count else {
        throw TensorError.invalidArgument("ResNetConfig: \(config.hidden.count) hidden layers but \(config.dropout.count) dropout rates")
    }
    let stages = config.stages.compactMap(BlockFilters.init)
    guard stages.count == config.stages.count else {
        throw TensorError.invalidArgument("ResNetConfig: each res-block needs three filter counts")
    }
    var rng = RandomGenerator(seed: seed)
    var layers: [(String, Layer)] = config.standardizeInput ? [("standardize", Standardize())] : []
    layers += [
        ("pad", ZeroPad2D((3, 3))),
        ("conv1", Conv2D(config.input.channels, config.stemFilters, kernel: (7, 7), stride: (2, 2), rng: &rng)),
        ("bn1", config.batchNorm.make(config.stemFilters)),
        ("relu", ReLU()),
        ("pool", MaxPool2D((3, 3), stride: (2, 2))),
    ]
    var channels = config.stemFilters
    for (i, filters) in stages.enumerated() {
        layers.append(("res\(i + 1)", ResBlock(channels, filters: filters, batchNorm: config.batchNorm, rng: &rng)))
        channels = filters.f3
    }
    layers.append(("avgpool", AvgPool2D((config.averagePool, config.averagePool))))
    layers.append(("flatten", Flatten()))
    let body = Sequential(layers)
    let features = try body.outputShape([1, config.input.channels, config.input.height, config.input.width])[1]
    var width = features
    var dropSeed = seed &+ 1
    for (i, (units, rate)) in zip(config.hidden, config.dropout).enumerated() {
        layers.append(("fc\(i + 1)", Dense(width, units, rng: &rng)))
        layers.append(("relu\(i + 1)", ReLU()))
        layers.append(("drop\(i + 1)", Dropout(rate, seed: dropSeed)))
        dropSeed &+= 1
        width = units
    }
    layers.append(("out", Dense(width, config.outputs, rng: &rng)))
    if config.outputReLU { layers.append(("out_relu", ReLU())) }
    return Sequential(layers)
}

/// The course's keypoint ResNet (18,016,286 parameters) for 96×96 gray faces;
/// 30 outputs (15 x,y pairs), linear unless `outputReLU`.
public func keypointResNet(outputReLU: Bool = false, seed: UInt64 = 0) -> Sequential {
    // The configuration is fixed and valid, so building cannot fail.
    (try? courseResNet(.keypoints(outputReLU: outputReLU), seed: seed)) ?? Sequential([(String, Layer)]())
}

/// The course's emotion ResNet (1,174,021 parameters for 5 classes); it outputs
/// logits (apply softmax for probabilities, as `FaceModel` does).
public func emotionResNet(classes: Int = 5, seed: UInt64 = 0) -> Sequential {
    (try? courseResNet(.emotions(classes: max(1, classes)), seed: seed)) ?? Sequential([(String, Layer)]())
}
