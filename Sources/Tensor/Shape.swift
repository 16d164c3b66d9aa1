/// Helpers for shapes: counts, strides, broadcasting and axis normalisation.
public enum Shape {
    /// The number of elements in a shape (1 for a scalar).
    @inlinable
    public static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// The shape with negative extents replaced by 0 (for creation functions that cannot throw).
    public static func clamped(_ shape: [Int]) -> [Int] { shape.map { Swift.max(0, $0) } }

    /// Row-major strides of a shape, in elements.
    public static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var s = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = s
            s *= shape[axis]
        }
        return strides
    }

    /// A shape as users write it: `[2, 3]`.
    public static func describe(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }

    /// The NumPy broadcast of two shapes, or nil when they are incompatible.
    public static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
        }
        return out
    }

    /// Resolves a possibly negative axis against a rank.
    public static func axis(_ axis: Int, rank: Int) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0 && a < rank else {
            throw TensorError.invalidArgument("axis \(axis) is out of range for a tensor of rank \(rank)")
        }
        return a
    }

    /// Resolves a list of axes (nil: all axes), sorted and without repeats.
    public static func axes(_ axes: [Int]?, rank: Int) throws -> [Int] {
        guard let axes else { return Array(0..<rank) }
        let resolved = try axes.map { try axis($0, rank: rank) }
        guard Set(resolved).count == resolved.count else {
            throw TensorError.invalidArgument("axes \(axes) repeat an axis")
        }
        return resolved.sorted()
    }
}
