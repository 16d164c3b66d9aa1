import ArgumentParser
import Deploy
import Faces
import Foundation
import Graphics
import ImageFiles

/// `ainb predict MODEL.safetensors PHOTO... [-o DIR]`
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a saved face model on photos: print each face's points and emotion, write annotated pictures.",
        discussion: """
        MODEL is a safetensors file saved from a fused model (fuse, face_model), or from the \
        keypoint or emotion ResNet alone. Each PNG or JPEG photo (or every one in a folder) is \
        made gray, centre-cropped to a square and resized to the model's 96×96, as \
        faces_from_images does. For each face the command prints the emotion with its \
        probability and the 15 keypoints (pixels of the 96×96 face), and writes \
        DIR/NAME.predicted.png: the face magnified with its points and emotion drawn on it.
        """)

    @Argument(help: ArgumentHelp("The model checkpoint (.safetensors).", valueName: "model"))
    var model: String

    @Argument(help: ArgumentHelp("PNG or JPEG photos, or folders of them.", valueName: "photo"))
    var photos: [String]

    @Option(name: .shortAndLong, help: ArgumentHelp("Folder for the annotated pictures.", valueName: "dir"))
    var output = "predictions"

    @Flag(help: "Print one JSON object per face instead of text.")
    var json = false

    func run() throws {
        do {
            let predictor = try FacePredictor(path: model)
            let (images, files) = try FacePhotos.load(photos, size: predictor.size)
            let predictions = try predictor.predict(images)
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            let size = predictor.size, plane = size * size
            for (i, (file, prediction)) in zip(files, predictions).enumerated() {
                let base = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
                let picture = (output as NSString).appendingPathComponent(base + ".predicted.png")
                let pixels = Array(images.scalars[(i * plane)..<((i + 1) * plane)])
                try Annotation.figure(face: pixels, size: size, prediction: prediction, title: (file as NSString).lastPathComponent).save(to: picture)
                if json {
                    writeOut(try Predict.json(file: file, prediction, picture: picture) + "\n")
                } else {
                    writeOut("\(file)\n" + Annotation.lines(prediction, names: KeypointNames.points).joined(separator: "\n") + "\n  picture: \(picture)\n")
                }
            }
        } catch {
            writeErr("error: \(error)\n")
            throw ExitCode.failure
        }
    }

    /// One face as a JSON line: file, emotion, probabilities, keypoints, picture.
    static func json(file: String, _ p: FacePrediction, picture: String) throws -> String {
        var object: [String: Any] = ["file": file, "picture": picture, "keypoints": p.keypoints.map(Double.init)]
        if let e = p.emotion { object["emotion"] = e; object["probabilities"] = p.probabilities.map(Double.init) }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
