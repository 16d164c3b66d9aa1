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

    /// Sums [outer, reduced, inner] along the middle with float32 accuracy for long sums:
    /// blocks of 256 values add in float SIMD lanes (16 per lane), blocks add in double.
    private static func sumReduce(_ p: Plan) -> [Float] {
        if p.inner == 1 {
            var out = [Float](repeating: 0, count: p.outer)
            p.source.scalars.withUnsafeBufferPointer { src in
                guard let base = src.baseAddress else { return }
                for o in 0..<p.outer { out[o] = Float(rowSum(base + o * p.reduced, p.reduced)) }
            }
            return out
        }
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

    /// The sum of n contiguous floats (or of their squares): SIMD lanes within blocks of 256,
    /// blocks added in double.
    @inline(__always)
    private static func rowSum(_ x: UnsafePointer<Float>, _ n: Int, squared: Bool = false) -> Double {
        var total: Double = 0
        var start = 0
        while start < n {
            let end = Swift.min(n, start + 256)
            var lanes = SIMD16<Float>()
            var j = start
            while j + 16 <= end {
                let v = UnsafeRawPointer(x + j).loadUnaligned(as: SIMD16<Float>.self)
                if squared { lanes.addProduct(v, v) } else { lanes += v }
                j += 16
            }
            var block = Double(lanes.sum())
            while j < end { block += squared ? Double(x[j] * x[j]) : Double(x[j]); j += 1 }
            total += block
            start = end
        }
        return total
    }

    /// The sum of the squared scalars, in double (the square of the L2 norm): SIMD
    /// lanes within blocks of 256, blocks added in double, as `sum` adds.
    public var sumOfSquares: Double {
        scalars.withUnsafeBufferPointer { p in p.baseAddress.map { Self.rowSum($0, p.count, squared: true) } ?? 0 }
    }

    /// The sum over `axes` (nil: all axes).
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let resolved = try Shape.axes(axes, rank: rank)
        var kept = shape
        for a in resolved { kept[a] = 1 }
        let dropped = shape.enumerated().filter { !resolved.contains($0.offset) }.map(\.element)
        // Axes that are not adjacent are summed one adjacent run at a time, last run
        // first, so that no run needs the tensor permuted.
        var runs: [[Int]] = []
        for a in resolved {
            if let last = runs.last?.last, last + 1 == a { runs[runs.count - 1].append(a) } else { runs.append([a]) }
        }
        var values = detached
        for run in runs.reversed() {
            let p = try values.plan(run)
            values = Tensor(uncheckedShape: p.keptShape, scalars: Self.sumReduce(p))
        }
        if runs.isEmpty { values = detached }
        let out = Tensor(uncheckedShape: keepDims ? kept : dropped, scalars: values.scalars)
        let inputShape = shape
        return out.recording("sum", [self]) { g, _ in [try g.reshaped(kept).broadcast(to: inputShape)] }
    }

    /// How many values each output of a reduction over `axes` combines.
    private func reducedCount(_ axes: [Int]?) throws -> Int {
        try Shape.axes(axes, rank: rank).reduce(1) { $0 * shape[$1] }
    }

    /// The mean over `axes` (nil: all axes).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let n = try reducedCount(axes)
        // Over no elements the mean is NaN, as in PyTorch and NumPy.
        return try sum(axes: axes, keepDims: keepDims) * (1 / Float(n))
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
        let centered = try self - mean(axes: axes, keepDims: true)
        let n = Float(try reducedCount(axes))
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
            let others = (0..<inputShape.count).filter { !resolved.contains($0) }
            let order = others + resolved
            let layoutShape = contiguous ? inputShape : order.map { inputShape[$0] }
            let outShape = g.shape
            let scattered = Tensor(uncheckedShape: layoutShape, scalars: flat).recording("\(op)_backward", [g]) { gg, _ in
                // Under createGraph: the gradient of the scatter picks the same elements back.
                var picked = [Float](repeating: 0, count: p.outer * p.inner)
                for o in 0..<p.outer {
                    for i in 0..<p.inner { picked[o * p.inner + i] = gg.scalars[(o * p.reduced + indices[o * p.inner + i]) * p.inner + i] }
                }
                return [Tensor(uncheckedShape: outShape, scalars: picked)]
            }
            if contiguous { return [scattered] }
            var inverse = [Int](repeating: 0, count: order.count)
            for (i, a) in order.enumerated() { inverse[a] = i }
            return [try scattered.permuted(inverse)]
        }
    }
}
