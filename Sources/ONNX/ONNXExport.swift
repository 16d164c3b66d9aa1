import Foundation
import Neural
import SwiftProtobuf
import Tensor

/// What goes wrong exporting a model to ONNX.
public enum ONNXExportError: Error, CustomStringConvertible, Equatable {
    /// A layer ONNX export does not know.
    case unsupported(String)
    /// The file system refused.
    case io(String)

    public var description: String {
        switch self {
        case let .unsupported(message), let .io(message): return message
        }
    }
}

/// Writes ainb models as ONNX (opset 17) graphs for inference: batch norm with its running
/// statistics, dropout left out. Inputs are NCHW images as the model takes them (0–1); the batch
/// axis is symbolic ("N").
///
/// Initialiser names are the model's state-dict names (`res1.conv.bn1.weight`), so the ONNX file
/// lines up with the safetensors file. A fused `FaceModel` has two outputs, `keypoints` and
/// `probabilities` (softmax of the emotion logits, as its `predict` gives).
public struct ONNXExport {
    /// The opset the graphs use.
    public static let opset: Int64 = 17
    /// The IR version that goes with opset 17.
    public static let irVersion: Int64 = 8

    private var nodes: [Onnx_NodeProto] = []
    private var initializers: [Onnx_TensorProto] = []
    private var counter = 0

    /// The ONNX model of `layer` for inputs [N] + `input` (e.g. [1, 96, 96]).
    public static func model(_ layer: Layer, input: [Int], graphName: String = "ainb") throws -> Onnx_ModelProto {
        var export = ONNXExport()
        var outputs: [(String, [Int])] = []
        let shape = [1] + input
        if let face = layer as? FaceModel {
            let points = try export.emit(face.keypoints, from: "image", prefix: "keypoints.")
            let logits = try export.emit(face.emotions, from: "image", prefix: "emotions.")
            export.node("Identity", [points], "keypoints")
            export.node("Softmax", [logits], "probabilities", attributes: [int("axis", 1)])
            outputs = [("keypoints", try face.keypoints.outputShape(shape)), ("probabilities", try face.emotions.outputShape(shape))]
        } else {
            let out = try export.emit(layer, from: "image", prefix: "")
            export.node("Identity", [out], "output")
            outputs = [("output", try layer.outputShape(shape))]
        }
        var graph = Onnx_GraphProto()
        graph.name = graphName
        graph.node = export.nodes
        graph.initializer = export.initializers
        graph.input = [valueInfo("image", shape)]
        graph.output = outputs.map { valueInfo($0.0, $0.1) }
        var model = Onnx_ModelProto()
        model.irVersion = irVersion
        model.producerName = "ainb"
        model.producerVersion = "0.1.0"
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = ONNXExport.opset
        model.opsetImport = [opset]
        model.graph = graph
        return model
    }

    /// The serialized bytes of the ONNX model of `layer`.
    public static func bytes(_ layer: Layer, input: [Int]) throws -> Data {
        try model(layer, input: input).serializedData()
    }

    /// Writes the ONNX model of `layer` to `url` atomically (temporary file, then rename).
    public static func write(_ layer: Layer, input: [Int], to url: URL) throws {
        let data = try bytes(layer, input: input)
        do { try data.write(to: url, options: .atomic) } catch {
            throw ONNXExportError.io("cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    // MARK: Layers

    /// Emits the nodes of `layer` reading tensor `x`; returns the name of its output.
    private mutating func emit(_ layer: Layer, from x: String, prefix: String) throws -> String {
        switch layer {
        case let s as Sequential:
            var h = x
            for (name, child) in s.layers { h = try emit(child, from: h, prefix: prefix + name + ".") }
            return h
        case let c as Conv2D:
            var inputs = [x, initializer(prefix + "weight", c.weight.value)]
            if let b = c.bias { inputs.append(initializer(prefix + "bias", b.value)) }
            let k = c.weight.shape
            return node("Conv", inputs, attributes: [
                ints("kernel_shape", [k[2], k[3]]), ints("strides", [c.stride.0, c.stride.1]),
                ints("pads", [c.padding.0, c.padding.1, c.padding.0, c.padding.1]), ints("dilations", [1, 1]), int("group", 1),
            ])
        case let s as Standardize:
            // (x − mean) / √(variance + ε) over every axis after the batch, as ReduceMean
            // (axes an attribute in opset 17), Sub, Mul, Add, Sqrt and Div.
            let axes = ints("axes", [1, 2, 3])
            let centered = node("Sub", [x, node("ReduceMean", [x], attributes: [axes, int("keepdims", 1)])])
            let variance = node("ReduceMean", [node("Mul", [centered, centered])], attributes: [axes, int("keepdims", 1)])
            let deviation = node("Sqrt", [node("Add", [variance, initializer(prefix + "epsilon", s.epsilon.value)])])
            return node("Div", [centered, deviation])
        case let b as BatchNorm:
            return node("BatchNormalization", [x, initializer(prefix + "weight", b.weight.value), initializer(prefix + "bias", b.bias.value),
                                              initializer(prefix + "running_mean", b.runningMean.value),
                                              initializer(prefix + "running_var", b.runningVar.value)],
                        attributes: [float("epsilon", b.epsilon), float("momentum", 1 - b.momentum), int("training_mode", 0)])
        case let d as Dense:
            var inputs = [x, initializer(prefix + "weight", d.weight.value)]
            if let b = d.bias { inputs.append(initializer(prefix + "bias", b.value)) }
            return node("Gemm", inputs, attributes: [float("alpha", 1), float("beta", 1), int("transA", 0), int("transB", 1)])
        case let a as Activation:
            switch a.function {
            case .relu: return node("Relu", [x])
            case .sigmoid: return node("Sigmoid", [x])
            case .tanh: return node("Tanh", [x])
            case .softmax: return node("Softmax", [x], attributes: [int("axis", 1)])
            case .gelu: throw ONNXExportError.unsupported("\(prefix.dropLast()): GELU is not in ONNX opset 17")
            }
        case let p as MaxPool2D:
            return node("MaxPool", [x], attributes: [ints("kernel_shape", [p.kernel.0, p.kernel.1]), ints("strides", [p.stride.0, p.stride.1])])
        case let p as AvgPool2D:
            return node("AveragePool", [x], attributes: [ints("kernel_shape", [p.kernel.0, p.kernel.1]), ints("strides", [p.stride.0, p.stride.1])])
        case let z as ZeroPad2D:
            let pads = try Tensor(shape: [8], scalars: [0, 0, Float(z.padding.0), Float(z.padding.1), 0, 0, Float(z.padding.0), Float(z.padding.1)])
            return node("Pad", [x, initializer(prefix + "pads", pads, int64: true)], attributes: [string("mode", "constant")])
        case is Flatten:
            return node("Flatten", [x], attributes: [int("axis", 1)])
        case is Dropout:
            return x
        case let r as ResBlock:
            let h = try emit(r.conv, from: x, prefix: prefix + "conv.")
            let i = try emit(r.id1, from: h, prefix: prefix + "id1.")
            return try emit(r.id2, from: i, prefix: prefix + "id2.")
        case let c as ConvolutionBlock:
            var h = try emit(c.conv1, from: x, prefix: prefix + "conv1.")
            h = try emit(c.pool, from: h, prefix: prefix + "pool.")
            h = node("Relu", [try emit(c.bn1, from: h, prefix: prefix + "bn1.")])
            h = node("Relu", [try emit(c.bn2, from: try emit(c.conv2, from: h, prefix: prefix + "conv2."), prefix: prefix + "bn2.")])
            h = try emit(c.bn3, from: try emit(c.conv3, from: h, prefix: prefix + "conv3."), prefix: prefix + "bn3.")
            var s = try emit(c.shortcutConv, from: x, prefix: prefix + "shortcut_conv.")
            s = try emit(c.shortcutPool, from: s, prefix: prefix + "shortcut_pool.")
            s = try emit(c.shortcutBN, from: s, prefix: prefix + "shortcut_bn.")
            return node("Relu", [node("Add", [h, s])])
        case let c as IdentityBlock:
            var h = node("Relu", [try emit(c.bn1, from: try emit(c.conv1, from: x, prefix: prefix + "conv1."), prefix: prefix + "bn1.")])
            h = node("Relu", [try emit(c.bn2, from: try emit(c.conv2, from: h, prefix: prefix + "conv2."), prefix: prefix + "bn2.")])
            h = try emit(c.bn3, from: try emit(c.conv3, from: h, prefix: prefix + "conv3."), prefix: prefix + "bn3.")
            return node("Relu", [node("Add", [h, x])])
        default:
            throw ONNXExportError.unsupported("\(prefix.isEmpty ? "the model" : String(prefix.dropLast())): a \(layer.kind) layer has no ONNX export")
        }
    }

    // MARK: Graph building

    /// Adds a node with a fresh output name (or `output`); returns the output's name.
    @discardableResult
    private mutating func node(_ op: String, _ inputs: [String], _ output: String? = nil, attributes: [Onnx_AttributeProto] = []) -> String {
        counter += 1
        let out = output ?? "\(op.lowercased())_\(counter)"
        var n = Onnx_NodeProto()
        n.opType = op
        n.name = "\(op)_\(counter)"
        n.input = inputs
        n.output = [out]
        n.attribute = attributes
        nodes.append(n)
        return out
    }

    /// Adds a constant (float, or int64 for shapes and pads) named `name`; returns the name.
    private mutating func initializer(_ name: String, _ t: Tensor, int64: Bool = false) -> String {
        var p = Onnx_TensorProto()
        p.name = name
        p.dims = t.shape.map(Int64.init)
        if int64 {
            p.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
            p.int64Data = t.scalars.map { Int64($0) }
        } else {
            p.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
            p.rawData = t.scalars.withUnsafeBufferPointer { Data(buffer: $0) }  // little-endian on every host ainb runs on
        }
        initializers.append(p)
        return name
    }

    private static func valueInfo(_ name: String, _ shape: [Int]) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        var s = Onnx_TensorShapeProto()
        s.dim = shape.enumerated().map { i, size in
            var d = Onnx_TensorShapeProto.Dimension()
            if i == 0 { d.dimParam = "N" } else { d.dimValue = Int64(size) }
            return d
        }
        tensor.shape = s
        var type = Onnx_TypeProto()
        type.tensorType = tensor
        info.type = type
        return info
    }
}

private func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
    var a = Onnx_AttributeProto()
    a.name = name; a.type = .int; a.i = Int64(value)
    return a
}

private func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
    var a = Onnx_AttributeProto()
    a.name = name; a.type = .ints; a.ints = values.map(Int64.init)
    return a
}

private func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
    var a = Onnx_AttributeProto()
    a.name = name; a.type = .float; a.f = value
    return a
}

private func string(_ name: String, _ value: String) -> Onnx_AttributeProto {
    var a = Onnx_AttributeProto()
    a.name = name; a.type = .string; a.s = Data(value.utf8)
    return a
}
