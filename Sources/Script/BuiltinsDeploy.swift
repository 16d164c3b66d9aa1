import Deploy
import Faces
import Foundation
import Graphics
import ImageFiles
import ONNX
import Tensor

extension Registry {
    /// Photos in and out: faces from PNG/JPEG files, faces written as PNG files.
    static func registerDeploy(_ r: Registry) {
        registerONNXSave(r)
        r.add("faces_from_images", "deploy", [.required("path", "string (a PNG/JPEG file or a folder of them)"), .optional("size", "number", .number(96))],
              returns: "dataset",
              summary: "Faces from photos: each PNG or JPEG is made gray, centre-cropped to a square and resized to size×size (values 0–255).",
              details: "A folder gives its .png, .jpg and .jpeg files in name order. The result is a keypoint dataset whose points are all unknown: `predict` a model on it, `show` it, or `show_predictions` with a model's answers. A missing or broken file is an error naming it. Large photos are box-averaged before the bicubic resize, so they do not alias.",
              example: "save_faces(keypoint_faces(n: 2, seed: 1), \"/tmp/ainb-doc-photos\")\nfaces = faces_from_images(\"/tmp/ainb-doc-photos\", size: 96)\nlen(faces)") { a in
            let path = (try a.string("path") as NSString).expandingTildeInPath
            let size = try a.int("size")
            guard (8...1024).contains(size) else { throw ScriptError("argument 'size' of faces_from_images must be between 8 and 1024, got \(size)") }
            let (images, files) = try FacePhotos.load([path], size: size)
            try Limits.checkShape(images.shape)
            let n = files.count
            let none = try Tensor(shape: [n, 30], scalars: [Float](repeating: 0, count: n * 30))
            return .host(DatasetObject(.keypoints(try KeypointSet(images: images, keypoints: none, mask: none))))
        }
        r.add("save_faces", "deploy", [.required("data", "dataset or tensor [N, 1, H, W]"), .required("folder", "string")], returns: "list",
              summary: "Writes each face as a gray PNG (face_0001.png, …) into a folder; returns the paths written.",
              details: "A relative folder is placed under the run's output directory (`ainb run -o DIR`), else the working directory. Tensor values are taken as 0–255 when any exceeds 1, else as 0–1.",
              example: "paths = save_faces(keypoint_faces(n: 2, seed: 1), \"/tmp/ainb-doc-saved-faces\")\nlen(paths)") { a in
            let images: Tensor, top: Float
            if case .host(let h) = try a.value("data"), let d = h as? DatasetObject {
                images = d.images
                switch d.data {
                case .keypoints(let k): top = k.pixelMax
                case .emotions(let e): top = e.pixelMax
                }
            } else {
                images = try a.tensor("data")
                top = images.scalars.contains { $0 > 1 } ? 255 : 1
            }
            guard images.rank == 4, images.shape[1] == 1, images.shape[0] > 0 else {
                throw ScriptError("argument 'data' of save_faces must hold gray images [N, 1, H, W], got shape \(Shape.describe(images.shape))")
            }
            let folder = try outputPath(a, "folder")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let (n, h, w) = (images.shape[0], images.shape[2], images.shape[3])
            let digits = max(4, String(n).count)
            var written: [Value] = []
            for i in 0..<n {
                let values = Array(images.scalars[(i * h * w)..<((i + 1) * h * w)])
                let picture = try GrayImage(width: w, height: h, values: values, range: 0...top)
                let name = "face_" + String(repeating: "0", count: max(0, digits - String(i + 1).count)) + "\(i + 1).png"
                let path = folder.appendingPathComponent(name).path
                try Graphics.AtomicFile.write(picture.pngData(), to: path)
                written.append(.string(path))
            }
            return .list(written)
        }
    }

    /// `save` learns one more format: a path ending in .onnx writes the model as an ONNX graph;
    /// every other path keeps the safetensors checkpoint of the neural module's `save`.
    static func registerONNXSave(_ r: Registry) {
        guard let checkpoint = r.function("save") else { return }
        let old = checkpoint.doc
        r.add("save", "neural", old.parameters, returns: old.returns,
              summary: old.summary.replacingOccurrences(of: " as one safetensors file", with: " as one safetensors file (or, for a path ending in .onnx, as an ONNX graph)"),
              details: old.details + " A path ending in `.onnx` writes an ONNX file (opset 17, inference: batch norm with its running statistics, no dropout) with input `image` [N, C, H, W] (values 0–1) and output `output`, or `keypoints` and `probabilities` for a fused model; ONNX Runtime runs it.",
              example: old.example + "\nsave(m, \"/tmp/ainb-doc-model.onnx\")") { a in
            guard (try a.string("path")).lowercased().hasSuffix(".onnx") else { return try checkpoint.body(a) }
            let m = try model(a, "model")
            let url = try outputPath(a, "path")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try ONNXExport.write(m.layer, input: Array(m.input.dropFirst()), to: url)
            return .string(url.path)
        }
    }
}
