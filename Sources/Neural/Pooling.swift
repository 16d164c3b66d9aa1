import Tensor

/// Pooling output size for one axis (no padding, floor).
func pooledSize(_ n: Int, _ k: Int, _ s: Int, op: String) throws -> Int {
    guard n >= k else { throw TensorError.invalidArgument("\(op): a \(k)-wide window does not fit an axis of \(n)") }
    return (n - k) / s + 1
}

/// What max and average pooling share: a window, a stride (the window unless
/// given, as in Keras) and the output size. The subclasses say what a window gives.
public class Pool2D: Layer {
    /// The window (height, width).
    public let kernel: (Int, Int)
    /// Steps between windows (height, width).
    public let stride: (Int, Int)

    /// A pool with the given window and stride.
    public init(_ kernel: (Int, Int), stride: (Int, Int)? = nil) {
        self.kernel = kernel
        self.stride = stride ?? kernel
    }

    public override func outputShape(_ input: [Int]) throws -> [Int] {
        guard input.count == 4 else { throw TensorError.invalidArgument("\(kind) needs NCHW, got \(Shape.describe(input))") }
        return [input[0], input[1], try pooledSize(input[2], kernel.0, stride.0, op: kind),
                try pooledSize(input[3], kernel.1, stride.1, op: kind)]
    }
}

/// Max pooling over windows (stride defaults to the window, as in Keras).
public final class MaxPool2D: Pool2D {
    public override var kind: String { "MaxPool2D" }

    public override func callAsFunction(_ x: Tensor) throws -> Tensor {
        try maxPool2d(x, kernel: kernel, stride: stride)
    }
}

/// Average pooling over windows (stride defaults to the window, as in Keras).
public final class AvgPool2D: Pool2D {
    public override var kind: String { "AvgPool2D" }

    public override func callAsFunction(_ x: Tensor) throws -> Tensor {
        try avgPool2d(x, kernel: kernel, stride: stride)
    }
}

/// Zeros around the height and width axes (Keras' ZeroPadding2D).
public final class ZeroPad2D: Layer {
    /// Zeros added on each side (height, width).
    public let padding: (Int, Int)

    /// Pads `padding.0` rows above and below and `padding.1` columns left and right.
    public init(_ padding: (Int, Int)) {
        self.padding = padding
    }

    public override var kind: String { "ZeroPad2D" }

    public override func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.padded([(0, 0), (0, 0), (padding.0, padding.0), (padding.1, padding.1)])
    }

    public override func outputShape(_ input: [Int]) throws -> [Int] {
        guard input.count == 4 else { throw TensorError.invalidArgument("ZeroPad2D needs NCHW, got \(Shape.describe(input))") }
        return [input[0], input[1], input[2] + 2 * padding.0, input[3] + 2 * padding.1]
    }
}
