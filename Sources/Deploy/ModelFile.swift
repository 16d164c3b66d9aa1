import Foundation
import Neural
import Tensor

/// What a checkpoint file holds, as far as deployment is concerned.
public enum ModelKind: String, Sendable {
    /// The keypoint ResNet alone (30 outputs).
    case keypoints
    /// The emotion ResNet alone (class logits).
    case emotions
    /// Both, fused (names prefixed `keypoints.` and `emotions.`).
    case fused
}

/// A course model rebuilt from its safetensors file alone: the architecture (stem and res-block
/// widths, dense layers, average-pool window, classes) is read off the tensor names and shapes,
/// then the weights are loaded strictly.
public struct ModelFile {
    /// The model, in evaluation mode.
    public let layer: Layer
    /// Which of the course's models it is.
    public let kind: ModelKind
    /// The ResNet configuration of each part (keypoints first for a fused model).
    public let configs: [ResNetConfig]
    /// The file it was read from.
    public let path: String

    /// Reads the checkpoint at `path`.
    public init(path: String) throws {
        let tensors = try Safetensors.load(from: URL(fileURLWithPath: path)).tensors
        try self.init(tensors: tensors, source: path)
    }

    /// Rebuilds a model from checkpoint tensors; `source` names them in errors.
    public init(tensors: [(String, Tensor)], source: String) throws {
        path = source
        let names = Set(tensors.map(\.0))
        if names.contains(where: { $0.hasPrefix("keypoints.") }) && names.contains(where: { $0.hasPrefix("emotions.") }) {
            func part(_ prefix: String) -> [(String, Tensor)] {
                tensors.filter { $0.0.hasPrefix(prefix) }.map { (String($0.0.dropFirst(prefix.count)), $0.1) }
            }
            let k = try ModelFile.config(part("keypoints."), source: source)
            let e = try ModelFile.config(part("emotions."), source: source)
            let model = FaceModel(keypoints: try courseResNet(k), emotions: try courseResNet(e))
            try ModelFile.load(model, tensors, source: source)
            layer = model; kind = .fused; configs = [k, e]
        } else {
            let c = try ModelFile.config(tensors, source: source)
            let model = try courseResNet(c)
            try ModelFile.load(model, tensors, source: source)
            layer = model
            kind = c.hidden.isEmpty && c.outputs != 30 ? .emotions : .keypoints
            configs = [c]
        }
        layer.eval()
    }

    /// The fused model, or nil when the file holds a single model.
    public var faceModel: FaceModel? { layer as? FaceModel }

    /// Input shape of one face, [1, H, W].
    public var inputShape: [Int] {
        let i = configs[0].input
        return [i.channels, i.height, i.width]
    }

    /// The number of emotion classes (0 for a keypoint model alone).
    public var classCount: Int {
        switch kind {
        case .keypoints: return 0
        case .emotions: return configs[0].outputs
        case .fused: return configs[1].outputs
        }
    }

    private static func load(_ model: Layer, _ tensors: [(String, Tensor)], source: String) throws {
        do { try model.loadStateDict(tensors, strict: true) } catch let error as CheckpointError {
            throw DeployError.notACourseModel(source, error.description)
        }
    }

    /// The course ResNet configuration whose state dict has these names and shapes.
    static func config(_ tensors: [(String, Tensor)], source: String) throws -> ResNetConfig {
        var shapes: [String: [Int]] = [:]
        for (name, t) in tensors { shapes[name] = t.shape }
        func need(_ name: String, rank: Int) throws -> [Int] {
            guard let s = shapes[name], s.count == rank else {
                throw DeployError.notACourseModel(source, "no tensor '\(name)' of rank \(rank)")
            }
            return s
        }
        var c = ResNetConfig()
        // A Standardize layer first leaves its ε in the checkpoint.
        c.standardizeInput = shapes["standardize.epsilon"] != nil
        let stem = try need("conv1.weight", rank: 4)
        guard stem[2] == 7, stem[3] == 7 else { throw DeployError.notACourseModel(source, "conv1 is \(stem[2])×\(stem[3]), not the 7×7 stem") }
        c.stemFilters = stem[0]
        c.input = (stem[1], 96, 96)
        c.stages = []
        var stage = 1
        while shapes["res\(stage).conv.conv1.weight"] != nil {
            let p = "res\(stage).conv."
            c.stages.append([try need(p + "conv1.weight", rank: 4)[0], try need(p + "conv2.weight", rank: 4)[0],
                             try need(p + "conv3.weight", rank: 4)[0]])
            stage += 1
        }
        guard !c.stages.isEmpty else { throw DeployError.notACourseModel(source, "no res-blocks (res1.conv.conv1.weight)") }
        var hidden: [Int] = [], firstInput: Int?
        var i = 1
        while let w = shapes["fc\(i).weight"], w.count == 2 {
            hidden.append(w[0])
            if firstInput == nil { firstInput = w[1] }
            i += 1
        }
        let out = try need("out.weight", rank: 2)
        c.hidden = hidden
        // Dropout rates are not stored either: the course's when the widths are the course's.
        let course = ResNetConfig.keypoints()
        c.dropout = hidden.count == course.hidden.count ? course.dropout : hidden.map { _ in 0 }
        c.outputs = out[0]
        let features = firstInput ?? out[1]
        // The pool window is not stored; the first dense layer's width tells it. Several windows
        // can give the same width (5×5 maps pool to 1×1 with 3, 4 or 5), so the course's own
        // window for this kind of model is tried first.
        let channels = c.stages.last?[2] ?? 0
        let preferred = hidden.isEmpty ? ResNetConfig.emotions().averagePool : ResNetConfig.keypoints().averagePool
        guard let pool = ([preferred] + Array(1...12)).first(where: { ModelFile.features(channels: channels, stages: c.stages.count, pool: $0) == features }) else {
            throw DeployError.notACourseModel(source, "no average-pool window gives \(features) features for a 96×96 input")
        }
        c.averagePool = pool
        return c
    }

    /// Features after the course ResNet's body on 96×96 faces.
    static func features(channels: Int, stages: Int, pool: Int) -> Int {
        // pad 3 + conv 7/2: 48; max pool 3/2: 23; each res-block halves (floor).
        var side = (96 + 6 - 7) / 2 + 1
        side = (side - 3) / 2 + 1
        for _ in 0..<stages { side /= 2 }
        side /= pool
        return side > 0 ? channels * side * side : -1
    }
}

/// What goes wrong deploying a model.
public enum DeployError: Error, CustomStringConvertible, Equatable {
    /// The file does not hold one of the course's models.
    case notACourseModel(String, String)
    /// The model lacks a part the command needs.
    case unsupported(String)
    /// Input that does not fit the model.
    case badInput(String)

    public var description: String {
        switch self {
        case let .notACourseModel(path, reason):
            return "\(path) does not hold a course model (keypoint_resnet, emotion_resnet or their fusion): \(reason)"
        case let .unsupported(message), let .badInput(message): return message
        }
    }
}
