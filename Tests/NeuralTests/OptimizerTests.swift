import Foundation
import Neural
import Tensor
import XCTest

/// Each optimizer fed PyTorch's gradients reproduces PyTorch's values step by step.
final class OptimizerTests: XCTestCase {
    func optimizer(_ settings: [String: Any]) throws -> Optimizer {
        let lr = Float(settings["lr"] as? Double ?? 0.01)
        let wd = Float(settings["weight_decay"] as? Double ?? 0)
        switch settings["kind"] as? String {
        case "SGD":
            return SGD(learningRate: lr, momentum: Float(settings["momentum"] as? Double ?? 0),
                       dampening: Float(settings["dampening"] as? Double ?? 0),
                       nesterov: settings["nesterov"] as? Bool ?? false, weightDecay: wd)
        case "Adagrad":
            return Adagrad(learningRate: lr, initialAccumulator: Float(settings["initial_accumulator_value"] as? Double ?? 0), weightDecay: wd)
        case "RMSprop":
            return RMSprop(learningRate: lr, alpha: Float(settings["alpha"] as? Double ?? 0.99),
                           momentum: Float(settings["momentum"] as? Double ?? 0), weightDecay: wd)
        case "Adam", "AdamW":
            let betas = settings["betas"] as? [Double] ?? [0.9, 0.999]
            return Adam(learningRate: lr, beta1: Float(betas[0]), beta2: Float(betas[1]),
                        epsilon: Float(settings["eps"] as? Double ?? 1e-8),
                        weightDecay: settings["kind"] as? String == "AdamW" ? Float(settings["weight_decay"] as? Double ?? 0.01) : wd,
                        decoupled: settings["kind"] as? String == "AdamW")
        default:
            throw TensorError.invalidArgument("unknown optimizer \(settings)")
        }
    }

    func testEveryOptimizerMatchesPyTorchOverFiveSteps() throws {
        let (tensors, metadata) = try Safetensors.load(from: Fixtures.url("optimizers.safetensors"))
        var byName: [String: Tensor] = [:]
        for (k, v) in tensors { byName[k] = v }
        XCTAssertEqual(metadata.count, 12)
        for (name, json) in metadata.sorted(by: { $0.key < $1.key }) {
            let settings = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let opt = try optimizer(settings)
            let p = Parameter(try XCTUnwrap(byName["\(name).p0"]))
            let grads = try XCTUnwrap(byName["\(name).grads"]), values = try XCTUnwrap(byName["\(name).values"])
            for step in 0..<grads.shape[0] {
                try opt.update([p], gradients: [try grads.selecting(step)])
                assertClose(p.value, try values.selecting(step), rtol: 1e-5, atol: 1e-6, "\(name) step \(step + 1)")
            }
        }
    }

    func testLargeParametersUpdateInParallelChunksLikeSmallOnes() throws {
        let n = 150_000
        let big = Parameter(Tensor.randn([n], seed: 1))
        let parts = try (0..<3).map { k in Parameter(try big.value.sliced([SliceRange(start: k * 50_000, end: (k + 1) * 50_000)])) }
        let adamBig = Adam(learningRate: 0.01), adamParts = Adam(learningRate: 0.01)
        for step in 0..<3 {
            let g = Tensor.randn([n], seed: UInt64(10 + step))
            try adamBig.update([big], gradients: [g])
            try adamParts.update(parts, gradients: try (0..<3).map { k in try g.sliced([SliceRange(start: k * 50_000, end: (k + 1) * 50_000)]) })
        }
        XCTAssertEqual(big.value.scalars, parts.flatMap { $0.value.scalars })
    }

    func testGradientClippingScalesToTheGlobalNorm() throws {
        let (clipped, norm) = try clipGradients([Tensor([3, 0]), Tensor([0, 4])], maxNorm: 1)
        XCTAssertEqual(norm, 5, accuracy: 1e-6)
        XCTAssertEqual(clipped[0].scalars[0], 0.6, accuracy: 1e-5)
        XCTAssertEqual(clipped[1].scalars[1], 0.8, accuracy: 1e-5)
        let (same, _) = try clipGradients([Tensor([0.1])], maxNorm: 1)
        XCTAssertEqual(same[0].scalars, [0.1])
    }

    func testSchedulesFollowPyTorch() {
        XCTAssertEqual(LearningRateSchedule.stepDecay(stepSize: 2, gamma: 0.5).rate(epoch: 3, base: 1), 0.5)
        XCTAssertEqual(LearningRateSchedule.stepDecay(stepSize: 2, gamma: 0.5).rate(epoch: 4, base: 1), 0.25)
        XCTAssertEqual(LearningRateSchedule.exponential(gamma: 0.9).rate(epoch: 2, base: 1), 0.81, accuracy: 1e-6)
        let cosine = LearningRateSchedule.cosine(epochs: 10, minimum: 0.1)
        XCTAssertEqual(cosine.rate(epoch: 0, base: 1), 1, accuracy: 1e-6)
        XCTAssertEqual(cosine.rate(epoch: 5, base: 1), 0.55, accuracy: 1e-6)
        XCTAssertEqual(cosine.rate(epoch: 10, base: 1), 0.1, accuracy: 1e-6)
    }
}
