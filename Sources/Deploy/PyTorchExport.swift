import Faces
import Foundation
import Neural

/// Hands a course model to PyTorch: `model.py` (an `nn.Module` whose state-dict names are the
/// checkpoint's), the weights (`model.safetensors`, the checkpoint itself) and `train_ddp.py`
/// (the course's training recipe under torchrun with DistributedDataParallel).
public enum PyTorchExport {
    /// The files written, in order.
    public static let files = ["model.py", "model.safetensors", "train_ddp.py"]

    /// Writes the three files into `directory` (created if needed); returns their paths.
    @discardableResult
    public static func write(_ model: ModelFile, to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let weights = try Data(contentsOf: URL(fileURLWithPath: model.path))
        let contents: [(String, Data)] = [
            ("model.py", Data(modelSource(model).utf8)),
            ("model.safetensors", weights),
            ("train_ddp.py", Data(trainingSource(model).utf8)),
        ]
        var written: [String] = []
        for (name, data) in contents {
            let path = (directory as NSString).appendingPathComponent(name)
            do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
                throw DeployError.unsupported("cannot write \(path): \(error.localizedDescription)")
            }
            written.append(path)
        }
        return written
    }

    /// The Python call that builds one part, e.g. `course_resnet(stem=64, ...)`.
    static func builderCall(_ c: ResNetConfig) -> String {
        let stages = "(" + c.stages.map { "(" + $0.map(String.init).joined(separator: ", ") + ")" }.joined(separator: ", ") + ",)"
        func tuple(_ xs: [String]) -> String { xs.isEmpty ? "()" : "(" + xs.joined(separator: ", ") + ",)" }
        return "course_resnet(input_size=\(c.input.height), channels=\(c.input.channels), stem=\(c.stemFilters), stages=\(stages), "
            + "average_pool=\(c.averagePool), hidden=\(tuple(c.hidden.map(String.init))), dropout=\(tuple(c.dropout.map { "\($0)" })), "
            + "outputs=\(c.outputs), output_relu=\(c.outputReLU ? "True" : "False"), standardize=\(c.standardizeInput ? "True" : "False"))"
    }

    /// model.py: the architecture, built with the checkpoint's widths.
    public static func modelSource(_ model: ModelFile) -> String {
        let build: String
        switch model.kind {
        case .fused:
            build = """
            def build_model():
                \"\"\"The fused face model: keypoints (30 values) and emotion logits for each face.\"\"\"
                return FaceModel({builderCall(model.configs[0])},
                                 {builderCall(model.configs[1])})
            """.replacingOccurrences(of: "{builderCall(model.configs[0])}", with: builderCall(model.configs[0]))
                .replacingOccurrences(of: "{builderCall(model.configs[1])}", with: builderCall(model.configs[1]))
        case .keypoints, .emotions:
            build = """
            def build_model():
                \"\"\"The \(model.kind.rawValue) ResNet.\"\"\"
                return \(builderCall(model.configs[0]))
            """
        }
        let classes = model.classCount > 0 ? EmotionSet.classNames(count: model.classCount) : []
        return modelTemplate
            .replacingOccurrences(of: "@KIND@", with: model.kind.rawValue)
            .replacingOccurrences(of: "@CLASSES@", with: "[" + classes.map { "\"\($0)\"" }.joined(separator: ", ") + "]")
            .replacingOccurrences(of: "@EPSILON@", with: "\(model.configs[0].batchNorm.epsilon)")
            .replacingOccurrences(of: "@BUILD@", with: build)
    }

    /// train_ddp.py: the course's recipe under torchrun.
    public static func trainingSource(_ model: ModelFile) -> String {
        let mirror = KeypointNames.horizontalMirror.map(String.init).joined(separator: ", ")
        return trainingTemplate
            .replacingOccurrences(of: "@KIND@", with: model.kind.rawValue)
            .replacingOccurrences(of: "@MIRROR@", with: "[" + mirror + "]")
    }
}
