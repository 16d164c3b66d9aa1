import ArgumentParser
import Deploy
import Foundation
import ONNX

/// `ainb export FILE.safetensors --to onnx [OUT.onnx]` and `--to pytorch DIR`.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Hand a saved course model to ONNX Runtime or PyTorch.",
        discussion: """
        FILE is a checkpoint of the keypoint ResNet, the emotion ResNet or the fused model. \
        --to onnx writes an ONNX file (opset 17; default FILE with .onnx): input `image` \
        [N, 1, 96, 96] with values 0–1, output `output` (a single model) or `keypoints` and \
        `probabilities` (the fused model). --to pytorch writes DIR/model.py (an nn.Module with \
        the checkpoint's state-dict names), DIR/model.safetensors and DIR/train_ddp.py (the \
        course's recipe under torchrun with DistributedDataParallel).
        """)

    enum Target: String, ExpressibleByArgument, CaseIterable {
        case onnx, pytorch
    }

    @Argument(help: ArgumentHelp("The model checkpoint (.safetensors).", valueName: "file"))
    var file: String

    @Argument(help: ArgumentHelp("The .onnx file, or the folder for PyTorch.", valueName: "destination"))
    var destination: String?

    @Option(help: "onnx or pytorch.") var to: Target

    func run() throws {
        do {
            let model = try ModelFile(path: file)
            switch to {
            case .onnx:
                let out = destination ?? ((file as NSString).deletingPathExtension + ".onnx")
                try ONNXExport.write(model.layer, input: model.inputShape, to: URL(fileURLWithPath: out))
                writeOut("wrote \(out) (ONNX opset \(ONNXExport.opset), \(model.kind.rawValue) model)\n")
            case .pytorch:
                guard let dir = destination else { throw ValidationError("--to pytorch needs a folder: ainb export FILE --to pytorch DIR") }
                let paths = try PyTorchExport.write(model, to: dir)
                writeOut("wrote \(paths.joined(separator: ", "))\n")
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            writeErr("error: \(error)\n")
            throw ExitCode.failure
        }
    }
}
