/// A dense float32 array of any rank, stored row-major with copy-on-write.
///
/// A tensor is a value: assigning it shares the scalars until one side writes.
/// Tensors produced while gradients are recorded carry a `GradNode`, the link
/// that `gradients(of:wrt:)` follows backwards.
public struct Tensor {
    /// The extent of each axis, outermost first. A scalar has shape `[]`.
    public let shape: [Int]
    /// The scalars in row-major order.
    public internal(set) var scalars: [Float]
    /// The recorded operation that produced this tensor, if gradients are being tracked.
    public internal(set) var node: GradNode?

    /// Wraps scalars in a shape; the count must match the shape's element count.
    public init(shape: [Int], scalars: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidArgument("shape \(Shape.describe(shape)) has a negative axis")
        }
        guard Shape.count(shape) == scalars.count else {
            throw TensorError.invalidArgument(
                "\(scalars.count) values cannot fill shape \(Shape.describe(shape)) (\(Shape.count(shape)) elements)")
        }
        self.shape = shape
        self.scalars = scalars
        self.node = nil
    }

    /// Internal initialiser for shapes already known to be consistent.
    @usableFromInline
    init(uncheckedShape shape: [Int], scalars: [Float], node: GradNode? = nil) {
        self.shape = shape
        self.scalars = scalars
        self.node = node
    }

    /// A rank-0 tensor holding one number.
    public init(_ value: Float) {
        self.init(uncheckedShape: [], scalars: [value])
    }

    /// A rank-1 tensor of the given values.
    public init(_ values: [Float]) {
        self.init(uncheckedShape: [values.count], scalars: values)
    }

    /// A rank-2 tensor from rows of equal length.
    public init(_ rows: [[Float]]) throws {
        let width = rows.first?.count ?? 0
        guard rows.allSatisfy({ $0.count == width }) else {
            throw TensorError.invalidArgument("rows have different lengths: \(rows.map(\.count))")
        }
        self.init(uncheckedShape: [rows.count, width], scalars: rows.flatMap { $0 })
    }

    /// The number of axes.
    public var rank: Int { shape.count }
    /// The number of scalars.
    public var count: Int { scalars.count }
    /// True when this tensor takes part in gradient recording.
    public var requiresGrad: Bool { node != nil }

    /// The single value of a one-element tensor.
    public var item: Float? { scalars.count == 1 ? scalars[0] : nil }

    /// The same values with no gradient history: a new leaf.
    public var detached: Tensor { Tensor(uncheckedShape: shape, scalars: scalars) }

    /// The scalar at a full index (one integer per axis, negative counts from the end).
    public func value(at index: [Int]) throws -> Float {
        guard index.count == rank else {
            throw TensorError.invalidArgument("index has \(index.count) components for a tensor of rank \(rank)")
        }
        var offset = 0
        for (axis, i) in index.enumerated() {
            let n = shape[axis]
            let j = i < 0 ? i + n : i
            guard j >= 0 && j < n else { throw TensorError.indexOutOfRange(index: i, axis: axis, size: n) }
            offset = offset * n + j
        }
        return scalars[offset]
    }

    /// Calls `body` with the scalars as a buffer, without copying.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }
}

/// Errors the engine reports instead of crashing: each names what it was given.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// Two shapes that an operation needs to agree do not.
    case shapeMismatch(op: String, [Int], [Int])
    /// An index outside an axis.
    case indexOutOfRange(index: Int, axis: Int, size: Int)
    /// Any other argument that cannot be used.
    case invalidArgument(String)
    /// The work was stopped on request (`Interruption`) before it finished.
    case cancelled

    public var description: String {
        switch self {
        case let .shapeMismatch(op, a, b):
            return "\(op): shapes \(Shape.describe(a)) and \(Shape.describe(b)) do not match"
        case let .indexOutOfRange(index, axis, size):
            return "index \(index) is out of range for axis \(axis) of size \(size)"
        case let .invalidArgument(message):
            return message
        case .cancelled:
            return "cancelled"
        }
    }
}
