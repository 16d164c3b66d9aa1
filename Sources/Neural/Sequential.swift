import Tensor

/// Layers applied one after the other, each under its own name.
public final class Sequential: Layer {
    /// The named layers in order.
    public let layers: [(String, Layer)]

    /// A chain of named layers.
    public init(_ layers: [(String, Layer)]) {
        self.layers = layers
    }

    /// A chain of layers named by their position ("0", "1", ...), as PyTorch names them.
    public convenience init(_ layers: [Layer]) {
        self.init(layers.enumerated().map { (String($0.offset), $0.element) })
    }

    public override var children: [(String, Layer)] { layers }

    public override func callAsFunction(_ x: Tensor) throws -> Tensor {
        var h = x
        var i = 0
        while i < layers.count {
            // A batch norm then a ReLU run as one fused pass (forward and backward).
            if let bn = layers[i].1 as? BatchNorm, i + 1 < layers.count,
               let act = layers[i + 1].1 as? Activation, act.function == .relu {
                h = try bn(h, relu: true)
                i += 2
            } else {
                h = try layers[i].1(h)
                i += 1
            }
        }
        return h
    }

    public override func outputShape(_ input: [Int]) throws -> [Int] {
        var s = input
        for (_, layer) in layers { s = try layer.outputShape(s) }
        return s
    }

    public override func summaryRows(prefix: String, input: [Int]) throws -> (rows: [SummaryRow], output: [Int]) {
        try childRows(layers, prefix: prefix, input: input, chained: true)
    }
}
