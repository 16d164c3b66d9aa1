import XCTest
import Tensor

/// Second derivatives under createGraph: Hessian-vector products against finite
/// differences of the first gradient, and a clear error where an op cannot give one.
extension GradientCheckTests {
    /// v · ∇f(inputs), itself a differentiable function of the inputs (createGraph).
    private func directionalGradient(_ f: @escaping ([Tensor]) throws -> Tensor, directions: [Tensor]) -> ([Tensor]) throws -> Tensor {
        { p in
            try GradMode.with(enabled: true) {
                let leaves = p.map { $0.requiresGrad ? $0 : $0.requiringGrad() }
                let grads = try gradients(of: try f(leaves), wrt: leaves, createGraph: true)
                var total = try (grads[0] * directions[0]).sum()
                for k in 1..<grads.count { total = try total + (grads[k] * directions[k]).sum() }
                return total
            }
        }
    }

    func testHessianVectorProductsThroughShapeOpsAndExtremes() throws {
        let x = try Tensor.randn([3, 4, 2], seed: 61) * 0.8
        let v = Tensor.randn([3, 4, 2], seed: 62)
        let f: ([Tensor]) throws -> Tensor = { p in
            let x = p[0]
            let sliced = try x.sliced([SliceRange(start: 1, end: nil), SliceRange(start: 0, end: nil, step: 2)])
            let gathered = try x.gathering([2, 0, 2])
            let padded = try (x * x).padded([(before: 1, after: 1)])
            let extremes = try (x * x * x).max(axes: [0, 2]).sum() + (x * x).min(axes: [1]).sum()
            return try pow(sliced, 3).sum() + (gathered * gathered * gathered).sum() + (padded * x.sum()).sum() + extremes
        }
        let pattern: ([Tensor]) throws -> [Float] = { p in
            let cube = try p[0] * p[0] * p[0], square = try p[0] * p[0]
            return try cube.permuted([1, 0, 2]).reshaped([4, 6]).argmax(axis: 1).scalars
                + (-square).argmax(axis: 1).scalars
        }
        _ = try checkGradients([x], pattern: pattern, directionalGradient(f, directions: [v]))
    }

    func testHessianVectorProductsThroughLossesAndPow() throws {
        let logits = try Tensor.randn([3, 4], seed: 63) * 1.5, base = try Tensor.rand([3, 4], seed: 64) + 0.5
        let exponent = try Tensor.randn([3, 4], seed: 65) * 0.7
        let directions = [Tensor.randn([3, 4], seed: 66), Tensor.randn([3, 4], seed: 67), Tensor.randn([3, 4], seed: 68)]
        let f: ([Tensor]) throws -> Tensor = { p in
            let ce = try crossEntropy(p[0], labels: [1, 3, 0], weights: [0.5, 2, 1, 1.5])
            let soft = try crossEntropy(p[0], targets: softmax(p[2], axis: 1))
            let powered = try pow(p[1], p[2]).sum()
            let dense = try linear(p[0], weight: p[1], bias: p[2].sum(axes: [1]))
            return try ce + soft + powered + mseLoss(tanh(dense), p[1].sliced([.all, SliceRange(start: 0, end: 3)])) + gelu(p[0]).variance()
        }
        _ = try checkGradients([logits, base, exponent], directionalGradient(f, directions: directions))
    }

    func testSecondDerivativeThroughConvolutionOrBatchNormIsAnErrorNotAWrongNumber() throws {
        let x = Tensor.randn([1, 1, 4, 4], seed: 70).requiringGrad(), w = Tensor.randn([1, 1, 3, 3], seed: 71).requiringGrad()
        let loss = try (conv2d(x, weight: w) * conv2d(x, weight: w)).sum()
        XCTAssertThrowsError(try gradients(of: loss, wrt: [x], createGraph: true)) { error in
            XCTAssertEqual("\(error)", "conv2d has no second derivative: gradients through it cannot be differentiated again (createGraph)")
        }
        // First-order gradients through the same ops are unaffected.
        XCTAssertEqual(try gradients(of: loss, wrt: [x]).first?.shape, [1, 1, 4, 4])
        var statistics = BatchNormStatistics(channels: 1)
        let normalized = try batchNorm(x, scale: Tensor.ones([1]), offset: Tensor.zeros([1]), statistics: &statistics, training: true)
        XCTAssertThrowsError(try gradients(of: try (normalized * normalized).sum(), wrt: [x], createGraph: true))
        // The fused batch norm + ReLU is the same raw kernel: refused too.
        let fused = try batchNorm(x, scale: Tensor.ones([1]), offset: Tensor.zeros([1]), statistics: &statistics, training: true, relu: true)
        XCTAssertThrowsError(try gradients(of: try (fused * fused).sum(), wrt: [x], createGraph: true)) { error in
            XCTAssertEqual("\(error)", "batch_norm_relu has no second derivative: gradients through it cannot be differentiated again (createGraph)")
        }
        // Only the offset is asked for: its gradient reads no tracked value, so it is exact.
        let offset = Tensor.zeros([1]).requiringGrad()
        let shifted = try batchNorm(x, scale: Tensor.ones([1]), offset: offset, statistics: &statistics, training: true)
        let dOffset = try gradients(of: try shifted.sum(), wrt: [offset], createGraph: true)[0]
        XCTAssertEqual(dOffset.scalars, [16])
        let pooled = try maxPool2d(x * x, kernel: (2, 2))
        XCTAssertThrowsError(try gradients(of: try (pooled * pooled).sum(), wrt: [x], createGraph: true))
        // A pool whose incoming gradient is a constant has an exact (zero) second-order part.
        let d = try gradients(of: try maxPool2d(x, kernel: (2, 2)).sum(), wrt: [x], createGraph: true)[0]
        XCTAssertEqual(d.scalars.reduce(0, +), 4)
    }
}
