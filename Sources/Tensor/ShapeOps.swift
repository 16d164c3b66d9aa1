/// Operations that move scalars without changing them: reshape, permute, slice,
/// concatenate, pad, gather. Each gradient moves the gradient back.
extension Tensor {
    /// The same scalars in a new shape; one axis may be -1 to be inferred.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var target = newShape
        if let hole = target.firstIndex(of: -1) {
            let known = target.enumerated().filter { $0.offset != hole }.reduce(1) { $0 * $1.element }
            guard known > 0, count % known == 0, target.filter({ $0 == -1 }).count == 1 else {
                throw TensorError.shapeMismatch(op: "reshape", shape, newShape)
            }
            target[hole] = count / known
        }
        guard target.allSatisfy({ $0 >= 0 }), Shape.count(target) == count else {
            throw TensorError.shapeMismatch(op: "reshape", shape, newShape)
        }
        if target == shape { return self }
        let out = Tensor(uncheckedShape: target, scalars: scalars)
        let inputShape = shape
        return out.recording("reshape", [self]) { g, _ in [try g.reshaped(inputShape)] }
    }

    /// All axes from `startAxis` on folded into one.
    public func flattened(from startAxis: Int = 0) throws -> Tensor {
        guard rank > 0 else { return try reshaped([1]) }
        let start = try Shape.axis(startAxis, rank: rank)
        return try reshaped(Array(shape[..<start]) + [shape[start...].reduce(1, *)])
    }

    /// The axes reordered: axis i of the result is axis `order[i]` of this tensor.
    public func permuted(_ order: [Int]) throws -> Tensor {
        guard order.count == rank, Set(order) == Set(0..<rank) else {
            throw TensorError.invalidArgument("permute order \(order) is not a permutation of the \(rank) axes of \(Shape.describe(shape))")
        }
        if order == Array(0..<rank) { return self }
        let source = Shape.strides(shape)
        let newShape = order.map { shape[$0] }
        let out = Tensor(uncheckedShape: newShape, scalars: Strided.permute(scalars, shape: shape, order: order, sourceStrides: source))
        var inverse = [Int](repeating: 0, count: rank)
        for (i, a) in order.enumerated() { inverse[a] = i }
        return out.recording("permute", [self]) { g, _ in [try g.permuted(inverse)] }
    }

    /// Two axes swapped (the last two by default: the matrix transpose).
    public func transposed(_ a: Int = -2, _ b: Int = -1) throws -> Tensor {
        guard rank >= 2 else { return self }
        let i = try Shape.axis(a, rank: rank), j = try Shape.axis(b, rank: rank)
        var order = Array(0..<rank)
        order.swapAt(i, j)
        return try permuted(order)
    }

    /// One part of an axis for each given range: `start..<end` by `step` (step > 0).
    /// Axes beyond the ranges given are kept whole; negative bounds count from the end.
    public func sliced(_ ranges: [SliceRange]) throws -> Tensor {
        guard ranges.count <= rank else {
            throw TensorError.invalidArgument("\(ranges.count) slices for a tensor of rank \(rank)")
        }
        var newShape = shape, base = 0
        let source = Shape.strides(shape)
        var strides = source
        for (axis, range) in ranges.enumerated() {
            let (start, length, step) = try range.resolve(size: shape[axis], axis: axis)
            newShape[axis] = length
            base += start * source[axis]
            strides[axis] = source[axis] * step
        }
        let out = Tensor(uncheckedShape: newShape, scalars: Strided.gather(scalars, shape: newShape, base: base, strides: strides))
        let (inputShape, inputCount) = (shape, count)
        return out.recording("slice", [self]) { g, _ in
            var flat = [Float](repeating: 0, count: inputCount)
            Strided.scatterAdd(g.scalars, into: &flat, shape: newShape, base: base, strides: strides)
            // Recorded under createGraph: the gradient of this scatter is the slice again.
            return [Tensor(uncheckedShape: inputShape, scalars: flat).recording("slice_backward", [g]) { gg, _ in [try gg.sliced(ranges)] }]
        }
    }

    /// The sub-tensor at one position of an axis, with that axis removed.
    public func selecting(_ index: Int, axis: Int = 0) throws -> Tensor {
        let a = try Shape.axis(axis, rank: rank)
        let n = shape[a]
        let i = index < 0 ? index + n : index
        guard i >= 0 && i < n else { throw TensorError.indexOutOfRange(index: index, axis: a, size: n) }
        var ranges = [SliceRange](repeating: .all, count: a + 1)
        ranges[a] = SliceRange(start: i, end: i + 1)
        var newShape = shape
        newShape.remove(at: a)
        return try sliced(ranges).reshaped(newShape)
    }

    /// The rows (positions of axis 0) at `indices`, in that order; repeats allowed,
    /// negative indices count from the end.
    public func gathering(_ indices: [Int]) throws -> Tensor {
        guard rank >= 1 else { throw TensorError.invalidArgument("cannot index a scalar") }
        let n = shape[0], row = shape.dropFirst().reduce(1, *)
        for i in indices where i < -n || i >= n { throw TensorError.indexOutOfRange(index: i, axis: 0, size: n) }
        let indices = indices.map { $0 < 0 ? $0 + n : $0 }
        var out = [Float](repeating: 0, count: indices.count * row)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (k, i) in indices.enumerated() {
                    for j in 0..<row { dst[k * row + j] = src[i * row + j] }
                }
            }
        }
        let result = Tensor(uncheckedShape: [indices.count] + shape.dropFirst(), scalars: out)
        let inputShape = shape
        return result.recording("gather", [self]) { g, _ in
            var flat = [Float](repeating: 0, count: Shape.count(inputShape))
            g.scalars.withUnsafeBufferPointer { gs in
                for (k, i) in indices.enumerated() {
                    for j in 0..<row { flat[i * row + j] += gs[k * row + j] }
                }
            }
            return [Tensor(uncheckedShape: inputShape, scalars: flat).recording("gather_backward", [g]) { gg, _ in [try gg.gathering(indices)] }]
        }
    }

    /// Zeros added before and after each axis: `padding[i] = (before, after)`.
    public func padded(_ padding: [(before: Int, after: Int)]) throws -> Tensor {
        guard padding.count <= rank, padding.allSatisfy({ $0.before >= 0 && $0.after >= 0 }) else {
            throw TensorError.invalidArgument("padding \(padding.map { [$0.before, $0.after] }) does not fit shape \(Shape.describe(shape))")
        }
        let pads = Array(repeating: (before: 0, after: 0), count: rank - padding.count) + padding
        let newShape = zip(shape, pads).map { $0 + $1.before + $1.after }
        let target = Shape.strides(newShape)
        let base = zip(pads, target).reduce(0) { $0 + $1.0.before * $1.1 }
        var out = [Float](repeating: 0, count: Shape.count(newShape))
        Strided.scatterAdd(scalars, into: &out, shape: shape, base: base, strides: target)
        let result = Tensor(uncheckedShape: newShape, scalars: out)
        let inputShape = shape
        return result.recording("pad", [self]) { g, _ in
            [Tensor(uncheckedShape: inputShape, scalars: Strided.gather(g.scalars, shape: inputShape, base: base, strides: target))
                .recording("pad_backward", [g]) { gg, _ in [try gg.padded(padding)] }]
        }
    }

    /// Tensors joined along an existing axis; other axes must agree.
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError.invalidArgument("concat needs at least one tensor") }
        let a = try Shape.axis(axis, rank: first.rank)
        for t in tensors.dropFirst() {
            var x = t.shape, y = first.shape
            guard x.count == y.count else { throw TensorError.shapeMismatch(op: "concat", first.shape, t.shape) }
            x[a] = 0; y[a] = 0
            guard x == y else { throw TensorError.shapeMismatch(op: "concat", first.shape, t.shape) }
        }
        var newShape = first.shape
        newShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
        let outer = first.shape[..<a].reduce(1, *)
        let inner = first.shape[(a + 1)...].reduce(1, *)
        var out = [Float](repeating: 0, count: Shape.count(newShape))
        let rowOut = newShape[a] * inner
        var offset = 0
        for t in tensors {
            let rowIn = t.shape[a] * inner
            t.scalars.withUnsafeBufferPointer { src in
                for o in 0..<outer {
                    for j in 0..<rowIn { out[o * rowOut + offset + j] = src[o * rowIn + j] }
                }
            }
            offset += rowIn
        }
        let result = Tensor(uncheckedShape: newShape, scalars: out)
        let sizes = tensors.map { $0.shape[a] }
        return result.recording("concat", tensors) { g, needs in
            var start = 0
            return try sizes.enumerated().map { i, size in
                defer { start += size }
                guard needs[i] else { return nil }
                var ranges = [SliceRange](repeating: .all, count: a + 1)
                ranges[a] = SliceRange(start: start, end: start + size)
                return try g.sliced(ranges)
            }
        }
    }

    /// Tensors of one shape joined along a new axis.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError.invalidArgument("stack needs at least one tensor") }
        let a = try Shape.axis(axis, rank: first.rank + 1)
        for t in tensors where t.shape != first.shape { throw TensorError.shapeMismatch(op: "stack", first.shape, t.shape) }
        var expanded = first.shape
        expanded.insert(1, at: a)
        return try concatenate(tensors.map { try $0.reshaped(expanded) }, axis: a)
    }
}

/// A range along one axis: `start..<end` by `step`, with nil meaning the axis' end.
public struct SliceRange: Equatable, Sendable {
    public var start: Int?
    public var end: Int?
    public var step: Int

    public init(start: Int? = nil, end: Int? = nil, step: Int = 1) {
        self.start = start; self.end = end; self.step = step
    }

    /// The whole axis.
    public static let all = SliceRange()

    /// Start, length and step for an axis of `size`, clamped as Python slices are.
    func resolve(size: Int, axis: Int) throws -> (start: Int, length: Int, step: Int) {
        guard step > 0 else { throw TensorError.invalidArgument("slice step must be positive, got \(step)") }
        func clampIndex(_ i: Int) -> Int { Swift.min(Swift.max(i < 0 ? i + size : i, 0), size) }
        let s = clampIndex(start ?? 0), e = clampIndex(end ?? size)
        let length = e > s ? (e - s + step - 1) / step : 0
        return (s, length, step)
    }
}

/// Strided copies between a flat buffer and a view described by base and strides.
enum Strided {
    /// Reads the view (shape, base, strides into `source`) into a new contiguous array.
    static func gather(_ source: [Float], shape: [Int], base: Int, strides: [Int]) -> [Float] {
        let total = Shape.count(shape)
        guard total > 0 else { return [] }
        return [Float](unsafeUninitializedCapacity: total) { out, initialized in
            source.withUnsafeBufferPointer { src in
                forEachRow(shape: shape, base: base, strides: strides) { offset, o, n, step in
                    for j in 0..<n { out[o + j] = src[offset + j * step] }
                }
            }
            initialized = total
        }
    }

    /// The scalars of a tensor of `shape` with its axes reordered by `order` (as `permuted`).
    ///
    /// When the last input axis moves, a plain strided copy reads one value per cache line
    /// (a 2048×4096 transpose took 146 ms); this copies 32×32 tiles instead, each read and
    /// written a row at a time.
    static func permute(_ source: [Float], shape: [Int], order: [Int], sourceStrides: [Int]) -> [Float] {
        let rank = shape.count
        let outShape = order.map { shape[$0] }
        let viewStrides = order.map { sourceStrides[$0] }
        let total = Shape.count(outShape)
        guard total > 0, rank >= 2, let q = order.firstIndex(of: rank - 1), q != rank - 1 else {
            return gather(source, shape: outShape, base: 0, strides: viewStrides)
        }
        let outStrides = Shape.strides(outShape)
        let rows = outShape[q], cols = outShape[rank - 1]
        let rowOut = outStrides[q], colSource = viewStrides[rank - 1]
        let others = (0..<rank).filter { $0 != q && $0 != rank - 1 }
        let tile = 32
        return [Float](unsafeUninitializedCapacity: total) { out, initialized in
            source.withUnsafeBufferPointer { src in
                var index = [Int](repeating: 0, count: others.count)
                var srcBase = 0, dstBase = 0
                while true {
                    for r0 in stride(from: 0, to: rows, by: tile) {
                        let r1 = Swift.min(r0 + tile, rows)
                        for c0 in stride(from: 0, to: cols, by: tile) {
                            let c1 = Swift.min(c0 + tile, cols)
                            for r in r0..<r1 {
                                let d = dstBase + r * rowOut, s = srcBase + r
                                for c in c0..<c1 { out[d + c] = src[s + c * colSource] }
                            }
                        }
                    }
                    // Advance the odometer over the other axes.
                    var k = others.count - 1
                    while k >= 0 {
                        let axis = others[k]
                        index[k] += 1
                        srcBase += viewStrides[axis]; dstBase += outStrides[axis]
                        if index[k] < outShape[axis] { break }
                        srcBase -= viewStrides[axis] * outShape[axis]; dstBase -= outStrides[axis] * outShape[axis]
                        index[k] = 0
                        k -= 1
                    }
                    if k < 0 { break }
                }
            }
            initialized = total
        }
    }

    /// Adds a contiguous array into the view (shape, base, strides) of `target`.
    static func scatterAdd(_ values: [Float], into target: inout [Float], shape: [Int], base: Int, strides: [Int]) {
        guard Shape.count(shape) > 0 else { return }
        values.withUnsafeBufferPointer { src in
            target.withUnsafeMutableBufferPointer { dst in
                forEachRow(shape: shape, base: base, strides: strides) { offset, o, n, step in
                    for j in 0..<n { dst[offset + j * step] += src[o + j] }
                }
            }
        }
    }

    /// Calls `body(viewOffset, contiguousOffset, rowLength, rowStride)` for each innermost row.
    @inline(__always)
    static func forEachRow(shape: [Int], base: Int, strides: [Int], _ body: (Int, Int, Int, Int) -> Void) {
        let rank = shape.count
        if rank == 0 { body(base, 0, 1, 1); return }
        let inner = shape[rank - 1], step = strides[rank - 1]
        let rows = Shape.count(shape) / Swift.max(inner, 1)
        var index = [Int](repeating: 0, count: rank)
        var offset = base
        for row in 0..<rows {
            body(offset, row * inner, inner, step)
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                offset += strides[axis]
                if index[axis] < shape[axis] { break }
                offset -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
