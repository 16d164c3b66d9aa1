/// Matrix products: `matmul` (2-D and batched) and the dense layer's `linear`.

/// The matrix product of the last two axes, batched over leading axes.
///
/// 1-D operands act as a row (left) or a column (right) and that axis is
/// dropped from the result, as in NumPy. Leading axes must be equal, or one
/// operand must be 2-D.
public func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    // Vector operands: check against the shapes as given, so errors name them.
    if a.rank == 1 || b.rank == 1 {
        let inner = a.rank >= 1 ? a.shape[a.rank - 1] : -1
        let bInner = b.rank == 1 ? b.shape[0] : (b.rank >= 2 ? b.shape[b.rank - 2] : -2)
        guard a.rank >= 1, b.rank >= 1, inner == bInner else { throw TensorError.shapeMismatch(op: "matmul", a.shape, b.shape) }
    }
    if a.rank == 1 && b.rank == 1 { return try (a * b).sum() }
    if a.rank == 1 {
        let out = try matmul(try a.reshaped([1, a.count]), b)
        var shape = out.shape; shape.remove(at: shape.count - 2)
        return try out.reshaped(shape)
    }
    if b.rank == 1 {
        let out = try matmul(a, try b.reshaped([b.count, 1]))
        return try out.reshaped(Array(out.shape.dropLast()))
    }
    guard a.rank >= 2, b.rank >= 2, a.shape[a.rank - 1] == b.shape[b.rank - 2] else {
        throw TensorError.shapeMismatch(op: "matmul", a.shape, b.shape)
    }
    let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1], n = b.shape[b.rank - 1]
    if b.rank == 2 && a.rank > 2 {
        // Batched A against one matrix B is one tall product.
        let out = try matmul(try a.reshaped([-1, k]), b)
        return try out.reshaped(Array(a.shape.dropLast()) + [n])
    }
    let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
    guard batchA == batchB || batchA.isEmpty else { throw TensorError.shapeMismatch(op: "matmul", a.shape, b.shape) }
    let batch = batchB.reduce(1, *)
    let outShape = batchB + [m, n]
    var out = [Float](repeating: 0, count: batch * m * n)
    let strideA = batchA.isEmpty ? 0 : m * k
    a.scalars.withUnsafeBufferPointer { pa in
        b.scalars.withUnsafeBufferPointer { pb in
            out.withUnsafeMutableBufferPointer { pc in
                for i in 0..<batch {
                    GEMM.multiply(m: m, n: n, k: k,
                                  a: pa.baseAddress! + i * strideA, lda: k, transA: false,
                                  b: pb.baseAddress! + i * k * n, ldb: n, transB: false,
                                  c: pc.baseAddress! + i * m * n, ldc: n, accumulate: false)
                }
            }
        }
    }
    // A stop requested while the kernel ran left `out` unfinished.
    try Interruption.check()
    let result = Tensor(uncheckedShape: outShape, scalars: out)
    return result.recording("matmul", [a, b]) { g, needs in
        [needs[0] ? try matmul(g, b.transposed()).sum(toShape: a.shape) : nil,
         needs[1] ? try matmul(a.transposed(), g) : nil]
    }
}

/// The dense layer's product: x · Wᵀ + bias, with x of shape [N, in],
/// W of shape [out, in] (PyTorch's layout) and bias of shape [out].
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
    guard x.rank == 2, weight.rank == 2, x.shape[1] == weight.shape[1] else {
        throw TensorError.shapeMismatch(op: "linear", x.shape, weight.shape)
    }
    let (rows, inputs, outputs) = (x.shape[0], x.shape[1], weight.shape[0])
    if let bias, bias.shape != [outputs] { throw TensorError.shapeMismatch(op: "linear bias", bias.shape, [outputs]) }
    var out = [Float](repeating: 0, count: rows * outputs)
    if let bias {
        for r in 0..<rows { for o in 0..<outputs { out[r * outputs + o] = bias.scalars[o] } }
    }
    x.scalars.withUnsafeBufferPointer { px in
        weight.scalars.withUnsafeBufferPointer { pw in
            out.withUnsafeMutableBufferPointer { pc in
                GEMM.multiply(m: rows, n: outputs, k: inputs, a: px.baseAddress!, lda: inputs, transA: false,
                              b: pw.baseAddress!, ldb: inputs, transB: true,
                              c: pc.baseAddress!, ldc: outputs, accumulate: true)
            }
        }
    }
    let result = Tensor(uncheckedShape: [rows, outputs], scalars: out)
    let inputs3: [Tensor] = bias.map { [x, weight, $0] } ?? [x, weight]
    return result.recording("linear", inputs3) { g, needs in
        if GradMode.isEnabled {
            // createGraph: the backward is recorded too, so it can be differentiated again.
            return [needs[0] ? try matmul(g, weight) : nil, needs[1] ? try matmul(g.transposed(), x) : nil]
                + (bias != nil ? [needs[2] ? try g.sum(axes: [0]) : nil] : [])
        }
        var grads: [Tensor?] = []
        // dx = g · W  ([N, out] · [out, in])
        grads.append(needs[0] ? Kernels.gemm(g, weight, transA: false, transB: false) : nil)
        // dW = gᵀ · x  ([out, N] · [N, in])
        grads.append(needs[1] ? Kernels.gemm(g, x, transA: true, transB: false) : nil)
        if bias != nil { grads.append(needs[2] ? try g.sum(axes: [0]) : nil) }
        return grads
    }
}

/// Small helpers that call the raw kernels on whole tensors.
enum Kernels {
    /// op(a) · op(b) for 2-D tensors whose shapes are known to agree.
    static func gemm(_ a: Tensor, _ b: Tensor, transA: Bool, transB: Bool) -> Tensor {
        let m = transA ? a.shape[1] : a.shape[0], k = transA ? a.shape[0] : a.shape[1]
        let n = transB ? b.shape[0] : b.shape[1]
        var out = [Float](repeating: 0, count: m * n)
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { pc in
                    GEMM.multiply(m: m, n: n, k: k, a: pa.baseAddress!, lda: a.shape[1], transA: transA,
                                  b: pb.baseAddress!, ldb: b.shape[1], transB: transB,
                                  c: pc.baseAddress!, ldc: n, accumulate: false)
                }
            }
        }
        return Tensor(uncheckedShape: [m, n], scalars: out)
    }
}
