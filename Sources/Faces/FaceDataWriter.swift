import Files
import Foundation
import Tensor

/// Writes face sets in the real files' layouts, so any tool can read the same data.
///
/// Pixels are written as integers (rounded, clipped to 0–255; normalised sets are scaled
/// back by 255). Keypoints are written in their shortest exact decimal form, so a set with
/// integer pixels reads back bit for bit.
public enum FaceDataWriter {
    /// Kaggle `training.csv` layout: the 30 keypoint columns, then `Image`; missing values empty.
    public static func keypointsCSV(_ set: KeypointSet) -> [UInt8] {
        var out: [UInt8] = []
        let pixels = set.height * set.width
        out.reserveCapacity(set.count * (pixels * 4 + 300) + 1024)
        out += Array((KeypointNames.columns + ["Image"]).joined(separator: ",").utf8)
        out.append(0x0A)
        let k = set.keypoints.scalars, m = set.mask.scalars
        for i in 0..<set.count {
            for j in 0..<30 {
                if m[i * 30 + j] != 0 { out += Array(k[i * 30 + j].description.utf8) }
                out.append(0x2C)
            }
            appendPixels(&out, set.images.scalars, from: i * pixels, count: pixels, scale: 255 / set.pixelMax)
            out.append(0x0A)
        }
        return out
    }

    /// Kaggle `test.csv` layout: `ImageId,Image` (ids from the set, or 1, 2, ...).
    public static func keypointsTestCSV(_ set: KeypointSet) -> [UInt8] {
        var out: [UInt8] = Array("ImageId,Image\n".utf8)
        let pixels = set.height * set.width
        for i in 0..<set.count {
            out += Array(String(set.imageIds?[i] ?? i + 1).utf8)
            out.append(0x2C)
            appendPixels(&out, set.images.scalars, from: i * pixels, count: pixels, scale: 255 / set.pixelMax)
            out.append(0x0A)
        }
        return out
    }

    /// Emotion layouts: `.icmlFaceData` (`emotion, Usage, pixels`), `.fer2013`
    /// (`emotion,pixels,Usage`) or `.emotionPixels` (`emotion, pixels`).
    /// Rows without a `Usage` are written as Training.
    public static func emotionsCSV(_ set: EmotionSet, layout: FaceDataKind) throws -> [UInt8] {
        let header: String
        switch layout {
        case .icmlFaceData: header = "emotion, Usage, pixels"
        case .fer2013: header = "emotion,pixels,Usage"
        case .emotionPixels: header = "emotion, pixels"
        default: throw FacesArgumentError("\(layout.rawValue) is not an emotion layout")
        }
        var out: [UInt8] = Array(header.utf8)
        out.append(0x0A)
        let pixels = set.height * set.width
        for i in 0..<set.count {
            let usage = Array((set.usage?[i] ?? "Training").utf8)
            out += Array(String(set.labels[i]).utf8)
            out.append(0x2C)
            switch layout {
            case .icmlFaceData:
                out += usage; out.append(0x2C)
                appendPixels(&out, set.images.scalars, from: i * pixels, count: pixels, scale: 255 / set.pixelMax)
            case .fer2013:
                appendPixels(&out, set.images.scalars, from: i * pixels, count: pixels, scale: 255 / set.pixelMax)
                out.append(0x2C); out += usage
            default:
                appendPixels(&out, set.images.scalars, from: i * pixels, count: pixels, scale: 255 / set.pixelMax)
            }
            out.append(0x0A)
        }
        return out
    }

    /// Writes bytes to a file, atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        do {
            try AtomicFile.write(bytes, to: path)
        } catch let error as AtomicFileError {
            throw FacesError(file: (path as NSString).lastPathComponent, error.description)
        }
    }

    static func appendPixels(_ out: inout [UInt8], _ s: [Float], from start: Int, count: Int, scale: Float) {
        for k in 0..<count {
            if k > 0 { out.append(0x20) }
            let v = Int(min(255, max(0, (s[start + k] * scale).rounded())))
            if v >= 100 { out.append(UInt8(48 + v / 100)) }
            if v >= 10 { out.append(UInt8(48 + (v / 10) % 10)) }
            out.append(UInt8(48 + v % 10))
        }
    }
}
