import Foundation

/// Elementwise functions of one tensor, each with its local gradient.
extension Tensor {
    /// Applies `f` to every scalar (no gradient).
    @inline(__always)
    public func map(_ f: (Float) -> Float) -> Tensor {
        Tensor(uncheckedShape: shape, scalars: scalars.map(f))
    }

    /// A tensor of the same shape from a pair of this tensor and another (no gradient, shapes equal).
    @inline(__always)
    func zipMap(_ other: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        var out = [Float](repeating: 0, count: count)
        scalars.withUnsafeBufferPointer { a in
            other.scalars.withUnsafeBufferPointer { b in
                for i in 0..<a.count { out[i] = f(a[i], b[i]) }
            }
        }
        return Tensor(uncheckedShape: shape, scalars: out)
    }
}

/// |x|; its gradient is sign(x) (0 at 0).
public func abs(_ x: Tensor) -> Tensor {
    let out = x.map { Swift.abs($0) }
    return out.recording("abs", [x]) { g, _ in
        [try g * x.detached.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }]
    }
}

/// eˣ.
public func exp(_ x: Tensor) -> Tensor {
    let out = x.map { Foundation.exp($0) }
    return out.recording("exp", [x]) { g, _ in [try g * (GradMode.isEnabled ? exp(x) : out.detached)] }
}

/// The natural logarithm.
public func log(_ x: Tensor) -> Tensor {
    let out = x.map { Foundation.log($0) }
    return out.recording("log", [x]) { g, _ in [try g / x] }
}

/// The square root.
public func sqrt(_ x: Tensor) -> Tensor {
    let out = x.map { $0.squareRoot() }
    return out.recording("sqrt", [x]) { g, _ in
        [try g / (GradMode.isEnabled ? 2 * sqrt(x) : out.detached * 2)]
    }
}

/// The hyperbolic tangent.
public func tanh(_ x: Tensor) -> Tensor {
    let out = x.map { Foundation.tanh($0) }
    return out.recording("tanh", [x]) { g, _ in
        let y = GradMode.isEnabled ? tanh(x) : out.detached
        return [try g * (1 - y * y)]
    }
}

/// The logistic function 1 / (1 + e⁻ˣ).
public func sigmoid(_ x: Tensor) -> Tensor {
    let out = x.map { v in v >= 0 ? 1 / (1 + Foundation.exp(-v)) : Foundation.exp(v) / (1 + Foundation.exp(v)) }
    return out.recording("sigmoid", [x]) { g, _ in
        let y = GradMode.isEnabled ? sigmoid(x) : out.detached
        return [try g * y * (1 - y)]
    }
}

/// max(x, 0); its gradient at 0 is 0, as in PyTorch; NaN stays NaN.
public func relu(_ x: Tensor) -> Tensor {
    let out = x.map { $0 > 0 || $0.isNaN ? $0 : 0 }
    return out.recording("relu", [x]) { g, _ in
        if GradMode.isEnabled { return [try g * x.detached.map { $0 > 0 ? 1 : 0 }] }
        return [g.zipMap(x) { gv, xv in xv > 0 ? gv : 0 }]
    }
}

/// relu(a + b) in one pass, for tensors of the same shape (a residual block's
/// "add, then ReLU"); the gradient reaches both inputs where the sum is positive.
/// Other shapes broadcast through `+` and `relu`.
public func addReLU(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    guard a.shape == b.shape else { return relu(try a + b) }
    let out = a.zipMap(b) { x, y in max(x + y, 0) }
    return out.recording("add_relu", [a, b]) { g, _ in
        let masked = GradMode.isEnabled ? try g * out.map { $0 > 0 ? 1 : 0 } : g.zipMap(out) { gv, y in y > 0 ? gv : 0 }
        return [masked, masked]
    }
}

/// GELU in its exact form x·Φ(x), with Φ the standard normal distribution function.
public func gelu(_ x: Tensor) -> Tensor {
    let out = x.map { v in 0.5 * v * (1 + Foundation.erf(v * 0.707_106_781_186_547_5)) }
    return out.recording("gelu", [x]) { g, _ in [try g * geluDerivative(x)] }
}

/// d/dx x·Φ(x) = Φ(x) + x·φ(x), itself differentiable once more: φ(x)·(2 − x²).
private func geluDerivative(_ x: Tensor) -> Tensor {
    let out = x.detached.map { v in
        let cdf = 0.5 * (1 + Foundation.erf(v * 0.707_106_781_186_547_5))
        let pdf = Foundation.exp(-0.5 * v * v) * 0.398_942_280_401_432_7
        return cdf + v * pdf
    }
    return out.recording("gelu_derivative", [x]) { g, _ in
        [try g * x.detached.map { v in Foundation.exp(-0.5 * v * v) * 0.398_942_280_401_432_7 * (2 - v * v) }]
    }
}

/// x limited to [low, high]; the gradient passes only where x is inside.
public func clamp(_ x: Tensor, min low: Float = -.infinity, max high: Float = .infinity) -> Tensor {
    let out = x.map { Swift.min(Swift.max($0, low), high) }
    return out.recording("clamp", [x]) { g, _ in
        [try g * x.detached.map { $0 >= low && $0 <= high ? 1 : 0 }]
    }
}

/// Comparisons give 1 where true and 0 where false; they have no gradient.
public enum Comparison: String, Sendable {
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "==", notEqual = "!="

    @inline(__always)
    func holds(_ a: Float, _ b: Float) -> Bool {
        switch self {
        case .less: return a < b
        case .lessEqual: return a <= b
        case .greater: return a > b
        case .greaterEqual: return a >= b
        case .equal: return a == b
        case .notEqual: return a != b
        }
    }
}

/// Elementwise comparison of broadcast tensors: 1 where it holds, else 0.
public func compare(_ a: Tensor, _ comparison: Comparison, _ b: Tensor) throws -> Tensor {
    try Broadcast.apply(a.detached, b.detached, op: comparison.rawValue) { comparison.holds($0, $1) ? 1 : 0 }
}

/// Picks `a` where `condition` is non-zero and `b` elsewhere, all broadcast together.
///
/// The value not picked never enters the result or its gradient, so a NaN or an
/// infinity there (say `where(x > 0, log(x), 0)`) does not leak through.
public func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
    guard let ab = Shape.broadcast(a.shape, b.shape) else {
        throw TensorError.shapeMismatch(op: "where", a.shape, b.shape)
    }
    guard let shape = Shape.broadcast(condition.shape, ab) else {
        throw TensorError.shapeMismatch(op: "where condition", condition.shape, ab)
    }
    let mask = try condition.detached.broadcast(to: shape).map { $0 != 0 ? 1 : 0 }
    let left = try a.detached.broadcast(to: shape), right = try b.detached.broadcast(to: shape)
    var out = [Float](repeating: 0, count: mask.count)
    mask.scalars.withUnsafeBufferPointer { m in
        left.scalars.withUnsafeBufferPointer { l in
            right.scalars.withUnsafeBufferPointer { r in
                for i in 0..<m.count { out[i] = m[i] != 0 ? l[i] : r[i] }
            }
        }
    }
    let result = Tensor(uncheckedShape: shape, scalars: out)
    let (shapeA, shapeB) = (a.shape, b.shape)
    return result.recording("where", [a, b]) { g, needs in
        [needs[0] ? try (g * mask).sum(toShape: shapeA) : nil,
         needs[1] ? try (g * mask.map { 1 - $0 }).sum(toShape: shapeB) : nil]
    }
}

/// The larger of two tensors, elementwise (the gradient goes to `a` on ties).
public func maximum(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    guard Shape.broadcast(a.shape, b.shape) != nil else { throw TensorError.shapeMismatch(op: "maximum", a.shape, b.shape) }
    return try `where`(try compare(a, .greaterEqual, b), a, b)
}

/// The smaller of two tensors, elementwise (the gradient goes to `a` on ties).
public func minimum(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    guard Shape.broadcast(a.shape, b.shape) != nil else { throw TensorError.shapeMismatch(op: "minimum", a.shape, b.shape) }
    return try `where`(try compare(a, .lessEqual, b), a, b)
}
