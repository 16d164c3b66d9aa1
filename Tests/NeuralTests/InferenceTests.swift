import Neural
import Tensor
import XCTest

/// The inference plan (batch norms folded into convolutions, ReLU and residual
/// additions fused) against the same model run layer by layer in evaluation mode,
/// which PyTorchParityTests holds to PyTorch.
final class InferenceTests: XCTestCase {
    func smallKeypointModel() throws -> Sequential {
        let m = try courseResNet(Fixtures.smallConfig(outputs: 30, hidden: [32, 16]), seed: 99)
        try m.load(from: Fixtures.url("keypoints_small.safetensors"))
        return m
    }

    func layerByLayer(_ m: Layer, _ x: Tensor) throws -> Tensor {
        m.eval()
        defer { m.train() }
        return try GradMode.withoutGradients { try m(x) }
    }

    func testPlanMatchesLayerByLayerEvaluation() throws {
        let m = try smallKeypointModel()
        let x = Tensor.randn([3, 1, 48, 48], seed: 4)
        m.eval()
        let planned = try InferencePlan(m)(x)
        assertClose(planned, try layerByLayer(m, x), rtol: 1e-4, atol: 1e-5, "plan")
    }

    func testBatchNormsWithNegativeScalesBehindMaxPoolsStayExact() throws {
        // A negative scale does not commute with max: those batch norms must not fold into the conv.
        let m = try smallKeypointModel()
        for case let (_, block as ResBlock) in m.layers {
            for bn in [block.conv.bn1, block.conv.shortcutBN] {
                bn.weight.value = Tensor(bn.weight.value.scalars.enumerated().map { $0.offset % 2 == 0 ? -$0.element : $0.element })
            }
        }
        let x = Tensor.randn([2, 1, 48, 48], seed: 5)
        m.eval()
        let planned = try InferencePlan(m)(x)
        assertClose(planned, try layerByLayer(m, x), rtol: 1e-4, atol: 1e-5, "plan with negative scales")
    }

    func testPredictUsesTheParametersOfTheMomentItIsCalled() throws {
        let m = try smallKeypointModel()
        let x = Tensor.randn([4, 1, 48, 48], seed: 6)
        let before = try predict(m, images: x, batchSize: 3)
        _ = try trainStep(m, images: x, targets: .values(Tensor.randn([4, 30], seed: 7)), loss: .mse, optimizer: Adam(learningRate: 1e-2))
        let after = try predict(m, images: x, batchSize: 3)
        XCTAssertNotEqual(before.scalars, after.scalars)
        assertClose(after, try layerByLayer(m, x), rtol: 1e-4, atol: 1e-5, "after a step")
        XCTAssertTrue(m.isTraining, "predict restores training mode")
    }
}
