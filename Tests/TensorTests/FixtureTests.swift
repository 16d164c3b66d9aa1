import XCTest
import Tensor

/// Every op's forward output and gradients against the PyTorch golden fixtures.
final class FixtureTests: XCTestCase {
    static let families = ["creation", "elementwise", "reduction", "shape", "nn", "loss"]

    /// Every case of every file, whatever its op: nothing in the fixtures goes unchecked.
    func testEveryFixtureCaseMatchesItsReference() throws {
        var count = 0
        for family in Self.families {
            for c in try Fixtures.cases(family) {
                guard let implementation = FixtureOps.table[c.op] else {
                    XCTFail("\(family)/\(c.name): op \(c.op) has no implementation")
                    continue
                }
                check(c, implementation)
                count += 1
            }
        }
        XCTAssertGreaterThan(count, 250)
    }

    /// The same on the portable kernels, the path of CPUs without a tuned register tile.
    func testEveryFixtureCaseMatchesItsReferenceOnThePortableKernels() throws {
        try InstructionSet.withPortableKernels { try testEveryFixtureCaseMatchesItsReference() }
    }

    func testTheCheckerCatchesWrongForwardValuesAndWrongGradients() throws {
        let add = try XCTUnwrap(try Fixtures.cases("elementwise").first { $0.name == "add_nchw_c" })
        XCTAssertEqual(failures(of: add, FixtureOps.one { x, _ in try x[0] + x[1] }), [])
        let wrongForward = failures(of: add, FixtureOps.one { x, _ in try x[0] + x[1] * 1.001 })
        XCTAssertTrue(wrongForward.contains { $0.contains("forward") }, "\(wrongForward)")
        // Same values, doubled gradient for the second input.
        let wrongGradient = failures(of: add, FixtureOps.one { x, _ in try x[0] + x[1] + (x[1] - x[1].detached) })
        XCTAssertEqual(wrongGradient.count, 1, "\(wrongGradient)")
        XCTAssertTrue(wrongGradient.first?.contains("gradient of input 1") ?? false)
        let wrongShape = failures(of: add, FixtureOps.one { x, _ in try (x[0] + x[1]).reshaped([-1]) })
        XCTAssertTrue(wrongShape.first?.contains("shape [24] but expected [2, 3, 2, 2]") ?? false, "\(wrongShape)")
        let bn = try XCTUnwrap(try Fixtures.cases("nn").first { $0.name == "batch_norm_train_4d" })
        let stale = failures(of: bn) { x, p in
            var statistics = BatchNormStatistics(mean: x[3], variance: x[4])
            let out = try batchNorm(x[0], scale: x[1], offset: x[2], statistics: &statistics, training: true, momentum: 0.2)
            return [out, statistics.mean, statistics.variance]
        }
        XCTAssertTrue(stale.contains { $0.contains("extra output 0") } && stale.contains { $0.contains("extra output 1") }, "\(stale)")
    }

    func testCreation() throws {
        for op in ["arange", "linspace", "eye"] { try checkFixtures("creation", op: op) }
    }

    func testArithmeticWithBroadcasting() throws {
        for op in ["add", "sub", "mul", "div", "scalar_arith"] { try checkFixtures("elementwise", op: op) }
    }

    func testPowWithBothGradients() throws {
        try checkFixtures("elementwise", op: "pow")
        try checkFixtures("elementwise", op: "pow_const")
    }

    func testUnaryFunctions() throws {
        for op in ["neg", "abs", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "gelu", "clamp"] {
            try checkFixtures("elementwise", op: op)
        }
    }

    func testMaximumMinimumWhereCompare() throws {
        for op in ["maximum", "minimum", "where", "compare"] { try checkFixtures("elementwise", op: op) }
    }

    func testReductions() throws {
        for op in ["sum", "mean", "max", "min", "variance", "argmax"] { try checkFixtures("reduction", op: op) }
    }

    func testShapeOps() throws {
        for op in ["reshape", "permute", "transpose", "slice", "select", "gather", "concat", "stack", "pad", "flatten",
                   "broadcast_to", "sum_to"] {
            try checkFixtures("shape", op: op)
        }
    }

    func testMatmulAndLinear() throws {
        try checkFixtures("nn", op: "matmul")
        try checkFixtures("nn", op: "linear")
    }

    func testConv2d() throws { try checkFixtures("nn", op: "conv2d") }

    func testPooling() throws {
        try checkFixtures("nn", op: "max_pool2d")
        try checkFixtures("nn", op: "avg_pool2d")
    }

    func testBatchNormTrainingAndInferenceWithRunningStatistics() throws { try checkFixtures("nn", op: "batch_norm") }

    func testFusedBatchNormReLUAndAddReLU() throws {
        try checkFixtures("nn", op: "batch_norm_relu")
        try checkFixtures("nn", op: "add_relu")
    }

    func testSoftmaxAndLosses() throws {
        for op in ["softmax", "log_softmax", "mse_loss", "cross_entropy", "cross_entropy_soft"] { try checkFixtures("loss", op: op) }
    }
}
