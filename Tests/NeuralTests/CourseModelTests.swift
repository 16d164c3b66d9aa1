import Neural
import Tensor
import XCTest

final class CourseModelTests: XCTestCase {
    func testKeypointResNetHasTheCourseParameterCount() {
        let model = keypointResNet()
        XCTAssertEqual(model.parameterCount, 18_016_286)
        // Keras: the batch-norm moving mean and variance are the non-trainable part.
        let bnChannels = model.namedParameters().filter { $0.0.hasSuffix("running_mean") }.reduce(0) { $0 + $1.1.count }
        XCTAssertEqual(model.parameterCount - model.trainableParameterCount, 2 * bnChannels)
    }

    func testEmotionResNetHasTheCourseParameterCount() {
        XCTAssertEqual(emotionResNet(classes: 5).parameterCount, 1_174_021)
    }

    func testKeypointSummaryTotals() throws {
        let text = try summary(keypointResNet(), input: [1, 96, 96])
        XCTAssertTrue(text.contains("Total params: 18,016,286"), text)
        XCTAssertTrue(text.contains("fc1 (Dense)"), text)
        XCTAssertTrue(text.contains("(None, 2048)"), text)
        XCTAssertTrue(text.contains("out (Dense)                          (None, 30)            61,470"), text)
    }

    func testKeypointHeadIsLinearUnlessAskedForReLU() {
        XCTAssertEqual(keypointResNet().layers.last?.0, "out")
        XCTAssertEqual(keypointResNet(outputReLU: true).layers.last?.0, "out_relu")
    }

    func testStateDictNamesFollowPyTorch() {
        let names = emotionResNet().namedParameters().map(\.0)
        XCTAssertEqual(Array(names.prefix(6)), ["conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var"])
        XCTAssertTrue(names.contains("res1.conv.shortcut_bn.running_var"))
        XCTAssertTrue(names.contains("res2.id2.conv3.weight"))
        XCTAssertEqual(names.last, "out.bias")
    }

    func testSummaryListsShapesAndKerasTotals() throws {
        let text = try summary(emotionResNet(), input: [1, 96, 96])
        XCTAssertTrue(text.contains("Total params: 1,174,021"), text)
        XCTAssertTrue(text.contains("res2.id2.add (Add+ReLU)"), text)
        XCTAssertTrue(text.contains("(None, 512, 5, 5)"), text)
        XCTAssertTrue(text.contains("avgpool (AvgPool2D)"), text)
        XCTAssertTrue(text.contains("Non-trainable params: 8,576"), text)
        XCTAssertTrue(text.contains("Trainable params: 1,165,445"), text)
    }

    func testKeypointModelMapsAFaceToThirtyValues() throws {
        let model = keypointResNet(seed: 3)
        let out = try predict(model, images: Tensor.rand([1, 1, 96, 96], seed: 1))
        XCTAssertEqual(out.shape, [1, 30])
        XCTAssertTrue(out.scalars.allSatisfy(\.isFinite))
    }

    func testSeedFixesTheInitialWeights() {
        let a = emotionResNet(seed: 5).stateDict(), b = emotionResNet(seed: 5).stateDict(), c = emotionResNet(seed: 6).stateDict()
        XCTAssertEqual(a[0].1.scalars, b[0].1.scalars)
        XCTAssertNotEqual(a[0].1.scalars, c[0].1.scalars)
        // Glorot uniform: the stem's limit is √(6 / (49 + 64·49)).
        let limit = Float((6.0 / Double(49 + 64 * 49)).squareRoot())
        XCTAssertTrue(a[0].1.scalars.allSatisfy { Swift.abs($0) <= limit })
        XCTAssertTrue(a[1].1.scalars.allSatisfy { $0 == 0 })
    }

    func testEvalModeReachesEveryLayer() {
        let model = emotionResNet()
        model.eval()
        XCTAssertFalse(model.layers.contains { $0.1.isTraining })
        let res = model.layers.first { $0.0 == "res1" }?.1 as? ResBlock
        XCTAssertEqual(res?.id2.bn3.isTraining, false)
    }
}
