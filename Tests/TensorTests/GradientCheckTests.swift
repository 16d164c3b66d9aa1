import XCTest
import Tensor

/// Finite-difference checks of reverse-mode gradients for compositions of ops.
///
/// The engine has only float32, so the differences are taken with care: central
/// differences with step h and h/2 combined by Richardson extrapolation
/// ((4·D(h/2) − D(h)) / 3, truncation error O(h⁴)), with h = 2e-2 on inputs of size
/// about 1. The rounding error of a float32 loss L is about 1e-7·|L|, so the
/// difference quotient carries about 1e-5·|L| of noise; the tolerance below
/// (1e-3 absolute + 5e-3 relative) leaves room for that and little more.
/// Functions with kinks (relu, max-pool) report a `pattern` (which side of each
/// kink every value is on); a step that changes the pattern is shrunk until it does not.
final class GradientCheckTests: XCTestCase {
    struct Report { var checked = 0, worst: Float = 0 }

    func checkGradients(
        _ inputs: [Tensor], step h0: Float = 2e-2, rtol: Float = 5e-3, atol: Float = 1e-3,
        pattern: (([Tensor]) throws -> [Float])? = nil,
        file: StaticString = #filePath, line: UInt = #line,
        _ f: @escaping ([Tensor]) throws -> Tensor
    ) throws -> Report {
        let tracked = inputs.map { $0.requiringGrad() }
        let analytic = try gradients(of: try f(tracked), wrt: tracked)
        let base = try pattern?(inputs)
        var report = Report()
        func evaluate(_ k: Int, _ i: Int, _ delta: Float) throws -> (Float, [Float]?) {
            var values = inputs[k].scalars
            values[i] += delta
            var moved = inputs
            moved[k] = try Tensor(shape: inputs[k].shape, scalars: values)
            return try GradMode.withoutGradients { (try f(moved).scalars[0], try pattern?(moved)) }
        }
        for (k, x) in inputs.enumerated() {
            for i in 0..<x.count {
                var h = h0, estimate: Float?
                while estimate == nil && h >= h0 / 256 {
                    let points = try [h, -h, h / 2, -h / 2].map { try evaluate(k, i, $0) }
                    if let base, points.contains(where: { $0.1 != base }) { h /= 4; continue }
                    let wide = (points[0].0 - points[1].0) / (2 * h)
                    let narrow = (points[2].0 - points[3].0) / h
                    estimate = (4 * narrow - wide) / 3
                }
                guard let fd = estimate else {
                    XCTFail("input \(k)[\(i)]: every step crosses a kink", file: file, line: line)
                    continue
                }
                let an = analytic[k].scalars[i]
                let excess = abs(fd - an) / (atol + rtol * abs(an))
                report.worst = max(report.worst, excess)
                report.checked += 1
                XCTAssertLessThanOrEqual(abs(fd - an), atol + rtol * abs(an),
                                         "input \(k)[\(i)]: analytic \(an), finite difference \(fd)", file: file, line: line)
            }
        }
        print("gradient check: \(report.checked) values, worst error \(report.worst) of the tolerance")
        return report
    }

    private func randn(_ shape: [Int], seed: UInt64, scale: Float = 1, shift: Float = 0) throws -> Tensor {
        try Tensor.randn(shape, seed: seed) * scale + shift
    }

    // MARK: conv → batch_norm → relu → max_pool → flatten → linear/matmul → loss

    private enum Head { case linearMSE, matmulCrossEntropy }

    private func networkInputs() throws -> [Tensor] {
        [try randn([2, 2, 6, 6], seed: 1),           // x
         try randn([3, 2, 3, 3], seed: 2, scale: 0.4), // conv weight
         try randn([3], seed: 3, scale: 0.1),         // conv bias
         try randn([3], seed: 4, scale: 0.2, shift: 1), // batch-norm scale
         try randn([3], seed: 5, scale: 0.2),         // batch-norm offset
         try randn([4, 27], seed: 6, scale: 0.3),     // dense weight
         try randn([4], seed: 7, scale: 0.1)]         // dense bias
    }

    /// The network's pre-relu values and pooled values, and its loss.
    private func network(_ p: [Tensor], head: Head) throws -> (z: Tensor, r: Tensor, pooled: Tensor, loss: Tensor) {
        var statistics = BatchNormStatistics(channels: 3)
        let c = try conv2d(p[0], weight: p[1], bias: p[2], stride: (1, 1), padding: (1, 1))
        let z = try batchNorm(c, scale: p[3], offset: p[4], statistics: &statistics, training: true)
        let r = relu(z)
        let pooled = try maxPool2d(r, kernel: (2, 2))
        let features = try pooled.flattened(from: 1)
        switch head {
        case .linearMSE:
            let out = try linear(features, weight: p[5], bias: p[6])
            return (z, r, pooled, try mseLoss(out, try randn([2, 4], seed: 8)))
        case .matmulCrossEntropy:
            let out = try matmul(features, p[5].transposed()) + p[6]
            return (z, r, pooled, try crossEntropy(out, labels: [1, 3]))
        }
    }

    /// Which side of zero each pre-relu value is on, and which element each pooling window picks.
    private func networkPattern(_ p: [Tensor]) throws -> [Float] {
        let (z, r, pooled, _) = try network(p, head: .linearMSE)
        let picked = try compare(try r.reshaped([2, 3, 3, 2, 3, 2]), .equal, try pooled.reshaped([2, 3, 3, 1, 3, 1]))
        return z.scalars.map { $0 > 0 ? 1 : 0 } + picked.scalars
    }

    func testWinogradConvolutionGradients() throws {
        // 16 channels and filters on a 4×4 map: the 3×3 convolution and its input gradient
        // run on Winograd's F(2×2, 3×3) tiles, the weight gradient on the direct path.
        let inputs = [try randn([1, 16, 4, 4], seed: 41), try randn([16, 16, 3, 3], seed: 42, scale: 0.1)]
        let target = try randn([1, 16, 4, 4], seed: 43)
        let report = try checkGradients(inputs) { p in
            try mseLoss(try conv2d(p[0], weight: p[1], padding: (1, 1)), target)
        }
        XCTAssertEqual(report.checked, 256 + 2304)
    }

    func testConvBatchNormReluPoolLinearMSEGradients() throws {
        let report = try checkGradients(try networkInputs(), pattern: networkPattern) { p in try self.network(p, head: .linearMSE).loss }
        XCTAssertEqual(report.checked, 144 + 54 + 3 + 3 + 3 + 108 + 4)
    }

    func testConvBatchNormReluPoolMatmulCrossEntropyGradients() throws {
        let report = try checkGradients(try networkInputs(), pattern: networkPattern) { p in
            try self.network(p, head: .matmulCrossEntropy).loss
        }
        XCTAssertEqual(report.checked, 319)
    }

    // MARK: the residual blocks' fused passes: batch norm + ReLU, add + ReLU

    private func residualInputs() throws -> [Tensor] {
        [try randn([2, 2, 4, 4], seed: 21),            // x
         try randn([3, 2, 3, 3], seed: 22, scale: 0.4), // conv weight
         try randn([3], seed: 23, scale: 0.2, shift: 1), // batch-norm scale
         try randn([3], seed: 24, scale: 0.2),          // batch-norm offset
         try randn([3, 2, 1, 1], seed: 25, scale: 0.5)] // shortcut weight
    }

    /// The pre-ReLU values of both fused passes (unfused), and the loss through the fused ones.
    private func residual(_ p: [Tensor]) throws -> (pre: [Tensor], loss: Tensor) {
        var statistics = BatchNormStatistics(channels: 3), again = BatchNormStatistics(channels: 3)
        let c = try conv2d(p[0], weight: p[1], padding: (1, 1))
        let shortcut = try conv2d(p[0], weight: p[4])
        let z = try batchNorm(c, scale: p[2], offset: p[3], statistics: &statistics, training: true)
        let h = try batchNorm(c, scale: p[2], offset: p[3], statistics: &again, training: true, relu: true)
        let out = try addReLU(h, shortcut)
        return ([z, try relu(z) + shortcut], try mseLoss(out, try randn([2, 3, 4, 4], seed: 26)))
    }

    func testFusedBatchNormReLUAndAddReLUGradients() throws {
        let report = try checkGradients(try residualInputs(), pattern: { p in
            try self.residual(p).pre.flatMap { $0.scalars.map { $0 > 0 ? 1 : 0 } }
        }) { p in try self.residual(p).loss }
        XCTAssertEqual(report.checked, 64 + 54 + 3 + 3 + 6)
    }

    // MARK: elementwise chains

    func testSmoothElementwiseChainWithBroadcasting() throws {
        let a = try randn([3, 4], seed: 11, scale: 0.5), b = try randn([1, 4], seed: 12)
        let report = try checkGradients([a, b]) { p in
            let (a, b) = (p[0], p[1])
            let first = try tanh(a) * exp(try -(b * b) / 2)
            let second = try sigmoid(try a * b) * log(try a * a + 1)
            let third = try sqrt(try b * b + 1) / (try a + 2)
            return try (first + second + third).sum()
        }
        XCTAssertEqual(report.checked, 16)
    }

    func testPowGeluSoftmaxVarianceChain() throws {
        let x = try randn([2, 3], seed: 13), y = try randn([2, 3], seed: 14, scale: 0.5)
        _ = try checkGradients([x, y]) { p in
            let (x, y) = (p[0], p[1])
            let powered = try pow(try x * x + 1, y)
            let mixed = try gelu(x) * softmax(try x * y, axis: 1)
            let spread = try x.variance(axes: [1]).sum() + logSoftmax(try y - x, axis: 0).mean()
            return try powered.sum() + mixed.sum() + spread
        }
    }

    func testChainWithKinks() throws {
        let x = try randn([3, 4], seed: 19), y = try randn([3, 4], seed: 20)
        let report = try checkGradients([x, y], pattern: { p in
            let (x, y) = (p[0], p[1])
            let sides = [try compare(x, .greater, Tensor(0)), try compare(y, .less, Tensor(-0.5)), try compare(y, .greater, Tensor(0.8)),
                         try x.argmax(axis: 1), try (-x).argmax(axis: 0), try compare(x, .greaterEqual, y),
                         try compare(x, .lessEqual, try y * 2), try compare(x, .greater, y)]
            return sides.flatMap(\.scalars)
        }) { p in
            let (x, y) = (p[0], p[1])
            let products = try (abs(x) * clamp(y, min: -0.5, max: 0.8)).sum()
            let extremes = try x.max(axes: [1]).sum() + x.min(axes: [0]).sum()
            let pairs = try maximum(x, y).sum() * 0.5 + minimum(x, try y * 2).sum() + relu(try x - y).sum()
            return try products + extremes + pairs
        }
        XCTAssertEqual(report.checked, 24)
    }

    func testShapeOpsChain() throws {
        let x = try randn([2, 3, 4], seed: 15), y = try randn([1, 3, 4], seed: 16)
        _ = try checkGradients([x, y]) { p in
            let joined = try Tensor.concatenate([p[0], p[1]], axis: 0)             // [3, 3, 4]
            let moved = try joined.permuted([2, 0, 1]).sliced([SliceRange(start: 1, end: nil, step: 2)]) // [2, 3, 3]
            let padded = try moved.padded([(before: 1, after: 0), (before: 0, after: 2)])          // [2, 4, 5]
            let picked = try padded.gathering([1, 0, 1])                                  // [3, 4, 5]
            let product = try matmul(picked, try joined.reshaped([3, 12]).sliced([.all, SliceRange(start: 0, end: 5)]).transposed()) // [3, 4, 3]
            let stacked = try Tensor.stack([product.selecting(0), product.selecting(-1, axis: 0)], axis: 1)
            return try (tanh(stacked) * stacked.broadcast(to: [2, 4, 2, 3])).sum()
        }
    }

    func testAvgPoolStridedConvSigmoidMSEGradients() throws {
        let x = try randn([1, 2, 7, 7], seed: 17), w = try randn([2, 2, 3, 3], seed: 18, scale: 0.3)
        _ = try checkGradients([x, w]) { p in
            let c = try conv2d(p[0], weight: p[1], stride: (2, 2), padding: (1, 1))    // [1, 2, 4, 4]
            let pooled = try avgPool2d(sigmoid(c), kernel: (3, 3), stride: (1, 1), padding: (1, 1))
            return try mseLoss(pooled, Tensor.full(pooled.shape, 0.25))
        }
    }
}
