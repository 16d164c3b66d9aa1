import Foundation
import Neural
import ONNX
import Tensor
import XCTest

/// A small course ResNet: the course's structure with tiny widths.
private func tinyResNet(outputs: Int = 30, hidden: [Int] = [6], pool: Int = 2, seed: UInt64 = 1) throws -> Sequential {
    var c = ResNetConfig()
    c.stemFilters = 3
    c.stages = [[2, 2, 4], [2, 2, 5]]
    c.hidden = hidden
    c.dropout = hidden.map { _ in 0.1 }
    c.averagePool = pool
    c.outputs = outputs
    return try courseResNet(c, seed: seed)
}

final class ONNXExportTests: XCTestCase {
    func testTheGraphDeclaresOpset17AndTheImageInput() throws {
        let model = try ONNXExport.model(try tinyResNet(), input: [1, 96, 96])
        XCTAssertEqual(model.irVersion, 8)
        XCTAssertEqual(model.opsetImport.map(\.version), [17])
        XCTAssertEqual(model.opsetImport.first?.domain, "")
        XCTAssertEqual(model.producerName, "ainb")
        let input = model.graph.input
        XCTAssertEqual(input.map(\.name), ["image"])
        let dims = input[0].type.tensorType.shape.dim
        XCTAssertEqual(dims.first?.dimParam, "N")
        XCTAssertEqual(dims.dropFirst().map(\.dimValue), [1, 96, 96])
        XCTAssertEqual(input[0].type.tensorType.elemType, 1)  // FLOAT
        XCTAssertEqual(model.graph.output.map(\.name), ["output"])
        XCTAssertEqual(model.graph.output[0].type.tensorType.shape.dim.last?.dimValue, 30)
    }

    func testTheCourseLayersBecomeTheirONNXOps() throws {
        let graph = try ONNXExport.model(try tinyResNet(), input: [1, 96, 96]).graph
        let ops = graph.node.map(\.opType)
        XCTAssertEqual(ops.first, "Pad")
        for op in ["Conv", "BatchNormalization", "Relu", "MaxPool", "Add", "AveragePool", "Flatten", "Gemm"] {
            XCTAssertTrue(ops.contains(op), op)
        }
        XCTAssertFalse(ops.contains("Dropout"))
        // 1 stem + 2 res-blocks × (4 + 3 + 3) convolutions, each followed by its batch norm.
        XCTAssertEqual(ops.filter { $0 == "Conv" }.count, 21)
        XCTAssertEqual(ops.filter { $0 == "BatchNormalization" }.count, 21)
        XCTAssertEqual(ops.filter { $0 == "Add" }.count, 6)
        let bn = try XCTUnwrap(graph.node.first { $0.opType == "BatchNormalization" })
        XCTAssertEqual(bn.attribute.first { $0.name == "epsilon" }?.f, 1e-3)
        XCTAssertEqual(bn.attribute.first { $0.name == "training_mode" }?.i, 0)
        let stem = try XCTUnwrap(graph.node.first { $0.opType == "Conv" })
        XCTAssertEqual(stem.attribute.first { $0.name == "strides" }?.ints, [2, 2])
        XCTAssertEqual(stem.attribute.first { $0.name == "kernel_shape" }?.ints, [7, 7])
        let gemm = try XCTUnwrap(graph.node.first { $0.opType == "Gemm" })
        XCTAssertEqual(gemm.attribute.first { $0.name == "transB" }?.i, 1)
    }

    func testAStandardizeLayerBecomesMeanAndDeviationOps() throws {
        var c = ResNetConfig.emotions(classes: 5)
        c.stemFilters = 3
        c.stages = [[2, 2, 4], [2, 2, 5]]
        c.standardizeInput = true
        let graph = try ONNXExport.model(try courseResNet(c, seed: 2), input: [1, 96, 96]).graph
        XCTAssertEqual(Array(graph.node.prefix(8).map(\.opType)), ["ReduceMean", "Sub", "Mul", "ReduceMean", "Add", "Sqrt", "Div", "Pad"])
        let mean = graph.node[0]
        XCTAssertEqual(mean.input, ["image"])
        XCTAssertEqual(mean.attribute.first { $0.name == "axes" }?.ints, [1, 2, 3])
        XCTAssertEqual(mean.attribute.first { $0.name == "keepdims" }?.i, 1)
        // The division reads the centred image and the deviation; the stem pads its result.
        XCTAssertEqual(graph.node[6].input, [graph.node[1].output[0], graph.node[5].output[0]])
        XCTAssertEqual(graph.node[7].input.first, graph.node[6].output[0])
        let epsilon = try XCTUnwrap(graph.initializer.first { $0.name == "standardize.epsilon" })
        XCTAssertEqual(epsilon.dims, [1])
        XCTAssertEqual(epsilon.rawData.withUnsafeBytes { $0.load(as: Float.self) }, 1e-3)
    }

    func testInitialisersAreTheStateDictWithItsValues() throws {
        let net = try tinyResNet()
        let graph = try ONNXExport.model(net, input: [1, 96, 96]).graph
        var byName: [String: (dims: [Int64], raw: Data, type: Int32)] = [:]
        for t in graph.initializer { byName[t.name] = (t.dims, t.rawData, t.dataType) }
        for (name, tensor) in net.stateDict() {
            let entry = try XCTUnwrap(byName[name], name)
            XCTAssertEqual(entry.dims, tensor.shape.map(Int64.init), name)
            XCTAssertEqual(entry.type, 1, name)
            let values = entry.raw.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            XCTAssertEqual(values, tensor.scalars, name)
        }
        let pads = try XCTUnwrap(graph.initializer.first { $0.name == "pad.pads" })
        XCTAssertEqual(pads.dataType, 7)  // INT64
        XCTAssertEqual(pads.int64Data, [0, 0, 3, 3, 0, 0, 3, 3])
        XCTAssertEqual(graph.initializer.count, net.stateDict().count + 1)
    }

    func testEveryNodeReadsOnlyWhatIsDefinedBeforeIt() throws {
        let graph = try ONNXExport.model(try tinyResNet(), input: [1, 96, 96]).graph
        var defined = Set(graph.initializer.map(\.name) + graph.input.map(\.name))
        for node in graph.node {
            for input in node.input { XCTAssertTrue(defined.contains(input), "\(node.name) reads \(input) before it exists") }
            for output in node.output { XCTAssertTrue(defined.insert(output).inserted, "\(output) is written twice") }
        }
        for output in graph.output { XCTAssertTrue(defined.contains(output.name)) }
    }

    func testAFusedModelHasKeypointsAndProbabilities() throws {
        let face = FaceModel(keypoints: try tinyResNet(), emotions: try tinyResNet(outputs: 5, hidden: [], pool: 4, seed: 2))
        let graph = try ONNXExport.model(face, input: [1, 96, 96]).graph
        XCTAssertEqual(graph.output.map(\.name), ["keypoints", "probabilities"])
        XCTAssertEqual(graph.output[1].type.tensorType.shape.dim.last?.dimValue, 5)
        let names = Set(graph.initializer.map(\.name))
        XCTAssertEqual(names.subtracting(["keypoints.pad.pads", "emotions.pad.pads"]), Set(face.stateDict().map(\.0)))
        let softmax = try XCTUnwrap(graph.node.first { $0.output == ["probabilities"] })
        XCTAssertEqual(softmax.opType, "Softmax")
        XCTAssertEqual(softmax.attribute.first { $0.name == "axis" }?.i, 1)
    }

    func testTheFileReadsBackAsTheSameModel() throws {
        let net = try tinyResNet()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ainb-onnx-\(UUID().uuidString).onnx")
        defer { try? FileManager.default.removeItem(at: url) }
        try ONNXExport.write(net, input: [1, 96, 96], to: url)
        let back = try Onnx_ModelProto(serializedBytes: try Data(contentsOf: url))
        XCTAssertEqual(back, try ONNXExport.model(net, input: [1, 96, 96]))
    }

    func testAGELULayerIsRefusedByName() throws {
        var rng = RandomGenerator(seed: 1)
        let net = Sequential([("fc", Dense(4, 3, rng: &rng)), ("act", GELU())])
        XCTAssertThrowsError(try ONNXExport.model(net, input: [4])) { error in
            XCTAssertTrue("\(error)".contains("act"), "\(error)")
        }
    }
}
