/// Reductions over all axes or chosen ones, with or without kept axes.
extension Tensor {
    /// The layout of a reduction: the input seen as [outer, reduced, inner] after
    /// moving the reduced axes together (a permutation when they are not adjacent).
    private struct Plan {
        var source: Tensor
        var outer: Int, reduced: Int, inner: Int
        var keptShape: [Int]   // the output with the reduced axes kept as 1
        var droppedShape: [Int] // the output without them
    }

    private func plan(_ axes: [Int]?) throws -> Plan {
        let axes = try Shape.axes(axes, rank: rank)
        var kept = shape, dropped: [Int] = []
        for a in axes { kept[a] = 1 }
        for (i, n) in shape.enumerated() where !axes.contains(i) { dropped.append(n) }
        let reducedCount = axes.reduce(1) { $0 * shape[$1] }
        // Sizes come from the shape, not from dividing the count: an axis may be empty.
        if let first = axes.first, let last = axes.last, last - first + 1 == axes.count {
            return Plan(source: self, outer: shape[..<first].reduce(1, *), reduced: reducedCount,
                        inner: shape[(last + 1)...].reduce(1, *), keptShape: kept, droppedShape: dropped)
        }
        if axes.isEmpty {
            return Plan(source: self, outer: count, reduced: 1, inner: 1, keptShape: kept, droppedShape: dropped)
        }
        let others = (0..<rank).filter { !axes.contains($0) }
        let moved = try self.detached.permuted(others + axes)
        return Plan(source: moved, outer: dropped.reduce(1, *), reduced: reducedCount, inner: 1,
                    keptShape: kept, droppedShape: dropped)
    }

    /// Sums [outer, reduced, inner] along the middle, accumulating in double precision so
    /// that long sums (millions of values) keep float32 accuracy.
    private static func sumReduce(_ p: Plan) -> [Float] {
        var acc = [Double](repeating: 0, count: p.outer * p.inner)
        p.source.scalars.withUnsafeBufferPointer { src in
            acc.withUnsafeMutableBufferPointer { dst in
                for o in 0..<p.outer {
                    let row = o * p.inner
                    for r in 0..<p.reduced {
                        let base = (o * p.reduced + r) * p.inner
                        for i in 0..<p.inner { dst[row + i] += Double(src[base + i]) }
                    }
                }
            }
        }
        return acc.map { Float($0) }
    }

    /// The sum over `axes` (nil: all axes).
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let p = try plan(axes)
        let values = Self.sumReduce(p)
        let out = Tensor(uncheckedShape: keepDims ? p.keptShape : p.droppedShape, scalars: values)
        let (inputShape, kept) = (shape, p.keptShape)
        return out.recording("sum", [self]) { g, _ in [try g.reshaped(kept).broadcast(to: inputShape)] }
    }

    /// The mean over `axes` (nil: all axes).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let p = try plan(axes)
        // Over no elements the mean is NaN, as in PyTorch and NumPy.
        return try sum(axes: axes, keepDims: keepDims) * (1 / Float(p.reduced))
    }

    /// The largest value over `axes`; the gradient goes to the first largest element.
    public func max(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        try extreme(axes: axes, keepDims: keepDims, op: "max") { $0 > $1 }
    }

    /// The smallest value over `axes`; the gradient goes to the first smallest element.
    public func min(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        try extreme(axes: axes, keepDims: keepDims, op: "min") { $0 < $1 }
    }

    /// The index of the largest value along one axis (nil: in the flattened tensor), as floats.
    public func argmax(axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        let source = axis == nil ? try detached.reshaped([count]) : detached
        let p = try source.plan(axis.map { [$0] })
        guard p.reduced > 0 else { throw TensorError.invalidArgument("argmax over an empty axis of shape \(Shape.describe(shape))") }
        let (_, indices) = Self.select(p) { $0 > $1 }
        // Over the flattened tensor, keepDims keeps every axis as 1, as in PyTorch.
        let keptShape = axis == nil ? [Int](repeating: 1, count: rank) : p.keptShape
        return Tensor(uncheckedShape: keepDims ? keptShape : p.droppedShape,
                      scalars: indices.map(Float.init))
    }

    /// The variance over `axes`; `unbiased` divides by n − 1 instead of n (NaN for one value, as in PyTorch).
    public func variance(axes: [Int]? = nil, keepDims: Bool = false, unbiased: Bool = false) throws -> Tensor {
        let p = try plan(axes)
        let centered = try self - mean(axes: axes, keepDims: true)
        let n = Float(p.reduced)
        let divisor = unbiased ? n - 1 : n
        return try (centered * centered).sum(axes: axes, keepDims: keepDims) * (1 / divisor)
    }

    /// The values and positions (within the reduced block) picked by `better` along the middle axis.
    private static func select(_ p: Plan, _ better: (Float, Float) -> Bool) -> ([Float], [Int]) {
        var values = [Float](repeating: 0, count: p.outer * p.inner)
        var indices = [Int](repeating: 0, count: p.outer * p.inner)
        p.source.scalars.withUnsafeBufferPointer { src in
            for o in 0..<p.outer {
                for i in 0..<p.inner {
                    var best = src[o * p.reduced * p.inner + i], at = 0
                    for r in 1..<Swift.max(p.reduced, 1) {
                        let v = src[(o * p.reduced + r) * p.inner + i]
                        if better(v, best) || (v.isNaN && !best.isNaN) { best = v; at = r }
                    }
                    values[o * p.inner + i] = best
                    indices[o * p.inner + i] = at
                }
            }
        }
        return (values, indices)
    }

    private func extreme(axes: [Int]?, keepDims: Bool, op: String, _ better: @escaping (Float, Float) -> Bool) throws -> Tensor {
        let p = try plan(axes)
        guard p.reduced > 0 else { throw TensorError.invalidArgument("\(op) over an empty axis of shape \(Shape.describe(shape))") }
        let (values, indices) = Self.select(p, better)
        let out = Tensor(uncheckedShape: keepDims ? p.keptShape : p.droppedShape, scalars: values)
        let inputShape = shape
        let resolved = try Shape.axes(axes, rank: rank)
        return out.recording(op, [self]) { g, _ in
            // Scatter the gradient to the chosen element of each reduced block, in the
            // [outer, reduced, inner] layout, then undo the permutation if there was one.
            var flat = [Float](repeating: 0, count: p.outer * p.reduced * p.inner)
            g.scalars.withUnsafeBufferPointer { gs in
                for o in 0..<p.outer {
                    for i in 0..<p.inner {
                        flat[(o * p.reduced + indices[o * p.inner + i]) * p.inner + i] = gs[o * p.inner + i]
                    }
                }
            }
            let contiguous = resolved.isEmpty || resolved[resolved.count - 1] - resolved[0] + 1 == resolved.count
            if contiguous { return [Tensor(uncheckedShape: inputShape, scalars: flat)] }
            let others = (0..<inputShape.count).filter { !resolved.contains($0) }
            let order = others + resolved
            let movedShape = order.map { inputShape[$0] }
            var inverse = [Int](repeating: 0, count: order.count)
            for (i, a) in order.enumerated() { inverse[a] = i }
            return [try Tensor(uncheckedShape: movedShape, scalars: flat).permuted(inverse)]
        }
    }
}
