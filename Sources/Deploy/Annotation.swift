import Foundation
import Graphics
import Tensor

/// Pictures of predictions: the face the model saw, magnified, with its points and emotion.
public enum Annotation {
    /// A figure of one face (values 0–255, `size`×`size`) with its prediction drawn on it.
    public static func figure(face pixels: [Float], size: Int, prediction: FacePrediction, title: String? = nil) throws -> Figure {
        var caption = prediction.emotion
        if let e = prediction.emotion, let p = prediction.probabilities.max() {
            caption = "\(e) \(Int((p * 100).rounded()))%"
        }
        let cell = try GridCell(width: size, height: size, values: pixels, range: 0...255, title: caption, keypoints: prediction.keypoints)
        return Figure.grid(ImageGrid([cell], columns: 1, scale: max(1, 384 / size)), title: title)
    }

    /// Text lines for one face: its emotion with probability, then the 15 named points.
    public static func lines(_ prediction: FacePrediction, names: [String]) -> [String] {
        var out: [String] = []
        if let e = prediction.emotion, let p = prediction.probabilities.max() {
            out.append("  emotion: \(e) (\(format(p * 100, digits: 1))%)")
        }
        for (i, name) in names.enumerated() where 2 * i + 1 < prediction.keypoints.count {
            out.append("  \(name): (\(format(prediction.keypoints[2 * i], digits: 2)), \(format(prediction.keypoints[2 * i + 1], digits: 2)))")
        }
        return out
    }

    static func format(_ x: Float, digits: Int) -> String { String(format: "%.\(digits)f", Double(x)) }
}
