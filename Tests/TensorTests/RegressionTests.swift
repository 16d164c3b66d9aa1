import Foundation
import XCTest
import Tensor

/// Engine bugs found while writing the fixture tests, each pinned by the behaviour PyTorch has.
final class RegressionTests: XCTestCase {
    func testVectorDotVectorIsAScalarWithGradients() throws {
        let a = Tensor([1, 2, 3]).requiringGrad(), b = Tensor([4, -5, 6]).requiringGrad()
        let d = try matmul(a, b)
        XCTAssertEqual(d.shape, [])
        XCTAssertEqual(d.scalars, [12])
        let g = try gradients(of: d, wrt: [a, b])
        XCTAssertEqual(g[0].scalars, [4, -5, 6])
        XCTAssertEqual(g[1].scalars, [1, 2, 3])
    }

    func testWhereDoesNotLeakNaNFromTheBranchNotTaken() throws {
        let x = Tensor([-1, 2]).requiringGrad()
        let y = try `where`(try compare(x, .greater, Tensor(0)), log(x), Tensor(0))
        XCTAssertEqual(y.scalars, [0, Foundation.log(2)])
        // The branch not taken gets a zero gradient (as in PyTorch, log'(0) = 1/0 would still give NaN at 0).
        XCTAssertEqual(try gradients(of: try y.sum(), wrt: [x])[0].scalars, [0, 0.5])
        XCTAssertEqual(try maximum(Tensor([1, -.infinity]), Tensor([-.infinity, 2])).scalars, [1, 2])
        XCTAssertEqual(try minimum(Tensor([1, .infinity]), Tensor([.infinity, 2])).scalars, [1, 2])
    }

    func testReluAndMaxPoolPropagateNaN() throws {
        XCTAssertTrue(relu(Tensor([.nan])).scalars[0].isNaN)
        XCTAssertEqual(relu(Tensor([-1, 2])).scalars, [0, 2])
        let pooled = try maxPool2d(try Tensor(shape: [1, 1, 2, 2], scalars: [1, .nan, 0, 2]), kernel: (2, 2))
        XCTAssertTrue(pooled.scalars[0].isNaN)
    }

    func testLongSumsKeepFloat32Accuracy() throws {
        // Accumulating 4 million values in float32 drifts by several percent.
        XCTAssertEqual(try Tensor.full([4_000_000], 0.1).sum().scalars[0], 400_000, accuracy: 1)
        XCTAssertEqual(try Tensor.full([4_000_000], 1.1).mean().scalars[0], 1.1, accuracy: 1e-6)
        XCTAssertEqual(try Tensor.full([2, 2_000_000], 0.1).sum(axes: [1]).scalars[1], 200_000, accuracy: 0.5)
    }

    func testEmptyAndSingleValueStatisticsAreNaNAsInPyTorch() throws {
        XCTAssertTrue(try Tensor.zeros([0]).mean().scalars[0].isNaN)
        XCTAssertTrue(try Tensor([5]).variance(unbiased: true).scalars[0].isNaN)
        XCTAssertEqual(try Tensor([5]).variance().scalars, [0])
        XCTAssertEqual(try Tensor.zeros([3, 0]).sum(axes: [1]).scalars, [0, 0, 0])
    }

    func testArangeCountsAndStepsInDoublePrecision() throws {
        let t = try Tensor.arange(0.1, 1, step: 0.1)
        XCTAssertEqual(t.count, 9)
        // Stepping in float32 gave 0.70000005 here; PyTorch (and now the engine) gives 0.7.
        XCTAssertEqual(t.scalars[6], 0.7)
        XCTAssertEqual(try Tensor.arange(0.1, 3.3, step: 0.3).scalars[9], 2.8000002)
        XCTAssertEqual(try Tensor.arange(3, 1).count, 0)
    }

    func testGatherAcceptsNegativeIndices() throws {
        let m = try Tensor([[1, 2], [3, 4], [5, 6]])
        XCTAssertEqual(try m.gathering([-1, 0]).scalars, [5, 6, 1, 2])
    }

    func testGeluIsTwiceDifferentiable() throws {
        let values: [Float] = [-1.5, 0.3, 2]
        let x = Tensor(values).requiringGrad()
        let dx = try gradients(of: try gelu(x).sum(), wrt: [x], createGraph: true)[0]
        let ddx = try gradients(of: try dx.sum(), wrt: [x])[0]
        let expected = values.map { v in Foundation.exp(-0.5 * v * v) / (2 * Float.pi).squareRoot() * (2 - v * v) }
        assertClose(ddx, Tensor(expected), "d²/dx² gelu")
    }

    func testLinearIsTwiceDifferentiable() throws {
        // S = Σ dL/dx for L = Σ linear(x, W)² gives dS/dx[n, j] = 2 Σ_o W[o, j] · Σ_i W[o, i].
        let x = try Tensor([[1, 2, 3], [-1, 0.5, 2]]).requiringGrad()
        let w = try Tensor([[0.5, -1, 2], [1, 1, -0.5]]).requiringGrad()
        let y = try linear(x, weight: w, bias: nil)
        let dx = try gradients(of: try (y * y).sum(), wrt: [x], createGraph: true)[0]
        let ddx = try gradients(of: try dx.sum(), wrt: [x])[0]
        let rowSums: [Float] = [1.5, 1.5]
        let column = (0..<3).map { j in 2 * (w.scalars[j] * rowSums[0] + w.scalars[3 + j] * rowSums[1]) }
        XCTAssertEqual(ddx.scalars, column + column)
    }

    func testCreationWithNegativeExtentsMakesEmptyTensors() {
        XCTAssertEqual(Tensor.ones([-2, 3]).shape, [0, 3])
        XCTAssertEqual(Tensor.full([-1], 7).count, 0)
        var rng = RandomGenerator(seed: 1)
        XCTAssertEqual(Tensor.uniform([-4], using: &rng).count, 0)
        XCTAssertEqual(rng.permutation(-1), [])
    }
}

/// The tiled copy behind `permuted` when the last axis moves: every element lands where indexing says.
final class PermuteTests: XCTestCase {
    func testTiledPermuteMatchesIndexing() throws {
        let shape = [3, 37, 2, 45]
        let x = try Tensor(shape: shape, scalars: (0..<Shape.count(shape)).map(Float.init))
        for order in [[0, 3, 2, 1], [3, 1, 0, 2], [1, 0, 3, 2], [3, 2, 1, 0]] {
            let y = try x.permuted(order)
            XCTAssertEqual(y.shape, order.map { shape[$0] })
            var mismatches = 0
            for flat in 0..<y.count {
                var rest = flat, index = [Int](repeating: 0, count: 4)
                for axis in stride(from: 3, through: 0, by: -1) { index[axis] = rest % y.shape[axis]; rest /= y.shape[axis] }
                var source = [Int](repeating: 0, count: 4)
                for (i, a) in order.enumerated() { source[a] = index[i] }
                if try y.scalars[flat] != x.value(at: source) { mismatches += 1 }
            }
            XCTAssertEqual(mismatches, 0, "order \(order)")
        }
        XCTAssertEqual(try Tensor.zeros([0, 3]).transposed().shape, [3, 0])
    }
}
