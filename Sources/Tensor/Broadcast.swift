/// The strided loops behind broadcasting binary operations and their gradients.
enum Broadcast {
    /// Applies `f` to `a` and `b` broadcast against each other.
    @inline(__always)
    static func apply(
        _ a: Tensor, _ b: Tensor, op: String, _ f: (Float, Float) -> Float
    ) throws -> Tensor {
        if a.shape == b.shape {
            let out = [Float](unsafeUninitializedCapacity: a.count) { buffer, initialized in
                a.scalars.withUnsafeBufferPointer { pa in
                    b.scalars.withUnsafeBufferPointer { pb in
                        for i in 0..<pa.count { buffer[i] = f(pa[i], pb[i]) }
                    }
                }
                initialized = a.count
            }
            return Tensor(uncheckedShape: a.shape, scalars: out)
        }
        if b.count == 1 && b.rank <= a.rank {
            let s = b.scalars[0]
            let out = a.scalars.map { f($0, s) }
            return Tensor(uncheckedShape: a.shape, scalars: out)
        }
        if a.count == 1 && a.rank <= b.rank {
            let s = a.scalars[0]
            let out = b.scalars.map { f(s, $0) }
            return Tensor(uncheckedShape: b.shape, scalars: out)
        }
        guard let shape = Shape.broadcast(a.shape, b.shape) else {
            throw TensorError.shapeMismatch(op: op, a.shape, b.shape)
        }
        let sa = strides(of: a.shape, in: shape)
        let sb = strides(of: b.shape, in: shape)
        let total = Shape.count(shape)
        let rank = shape.count
        let inner = shape[rank - 1]
        let ia = sa[rank - 1], ib = sb[rank - 1]
        let out = [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
            a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    var index = [Int](repeating: 0, count: rank)
                    var offA = 0, offB = 0, o = 0
                    while o < total {
                        var ja = offA, jb = offB
                        for _ in 0..<inner {
                            buffer[o] = f(pa[ja], pb[jb])
                            o += 1; ja += ia; jb += ib
                        }
                        // Advance the odometer over the outer axes.
                        var axis = rank - 2
                        while axis >= 0 {
                            index[axis] += 1
                            offA += sa[axis]; offB += sb[axis]
                            if index[axis] < shape[axis] { break }
                            offA -= sa[axis] * shape[axis]; offB -= sb[axis] * shape[axis]
                            index[axis] = 0
                            axis -= 1
                        }
                    }
                }
            }
            initialized = total
        }
        return Tensor(uncheckedShape: shape, scalars: out)
    }

    /// Strides of `shape` seen inside a broadcast shape: 0 on axes that repeat.
    static func strides(of shape: [Int], in target: [Int]) -> [Int] {
        let own = Shape.strides(shape)
        let offset = target.count - shape.count
        return (0..<target.count).map { axis in
            axis < offset || shape[axis - offset] == 1 ? 0 : own[axis - offset]
        }
    }
}

extension Tensor {
    /// Sums a broadcast gradient back down to `shape`: the gradient of `broadcast(to:)`.
    public func sum(toShape target: [Int]) throws -> Tensor {
        if shape == target { return self }
        guard Shape.broadcast(target, shape) == shape else {
            throw TensorError.shapeMismatch(op: "sum(toShape:)", shape, target)
        }
        let offset = rank - target.count
        var axes = Array(0..<offset)
        for (i, n) in target.enumerated() where n == 1 && shape[offset + i] != 1 { axes.append(offset + i) }
        let reduced = try sum(axes: axes, keepDims: true)
        return try reduced.reshaped(target)
    }

    /// The tensor repeated along axes of size 1 (and new leading axes) to `shape`.
    public func broadcast(to target: [Int]) throws -> Tensor {
        guard Shape.broadcast(shape, target) == target else {
            throw TensorError.shapeMismatch(op: "broadcast_to", shape, target)
        }
        if shape == target { return self }
        let zero = Tensor.zeros(target)
        let out = try Broadcast.apply(zero, self.detached, op: "broadcast_to") { _, b in b }
        let inputShape = shape
        return out.recording("broadcast_to", [self]) { grad, _ in [try grad.sum(toShape: inputShape)] }
    }
}
