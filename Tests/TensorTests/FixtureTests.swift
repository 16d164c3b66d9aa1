import XCTest
import Tensor

/// Every op's forward output and gradients against the PyTorch golden fixtures.
final class FixtureTests: XCTestCase {
    static let families = ["creation", "elementwise", "reduction", "shape", "nn", "loss"]

    func testEveryFixtureOpHasAnImplementation() throws {
        for family in Self.families {
            for c in try Fixtures.cases(family) {
                XCTAssertNotNil(FixtureOps.table[c.op], "\(family)/\(c.name): op \(c.op) has no implementation")
            }
        }
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

    func testSoftmaxAndLosses() throws {
        for op in ["softmax", "log_softmax", "mse_loss", "cross_entropy", "cross_entropy_soft"] { try checkFixtures("loss", op: op) }
    }
}
