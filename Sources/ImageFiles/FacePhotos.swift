import Faces
import Foundation
import Graphics
import Tensor

/// Turns photos into the square gray faces the course's models take: gray, centre-cropped to a
/// square, resized (box-averaged down to at most twice the size, then bicubic), values 0–255.
public enum FacePhotos {
    /// File name endings read from a folder (case-insensitive).
    public static let extensions: Set<String> = ["png", "jpg", "jpeg"]

    /// The picture files a path names: the file itself, or a folder's PNG and JPEG files sorted by name.
    public static func files(at path: String) throws -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ImageFileError.unreadable(path: path, reason: "no such file or folder")
        }
        guard isFolder.boolValue else { return [path] }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw ImageFileError.unreadable(path: path, reason: error.localizedDescription)
        }
        let pictures = names.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        guard !pictures.isEmpty else { throw ImageFileError.noPictures(path: path) }
        return pictures.map { (path as NSString).appendingPathComponent($0) }
    }

    /// The faces in `paths` (files or folders) as images [N, 1, size, size], values 0–255, and the files read in order.
    public static func load(_ paths: [String], size: Int = 96) throws -> (images: Tensor, files: [String]) {
        guard (8...1024).contains(size) else { throw ImageFileError.invalidSize("the face size must be between 8 and 1024 pixels, got \(size)") }
        let files = try paths.flatMap { try self.files(at: $0) }
        guard !files.isEmpty else { throw ImageFileError.invalidSize("no pictures given") }
        var scalars: [Float] = []
        scalars.reserveCapacity(files.count * size * size)
        for file in files {
            scalars += try face(try PictureDecoder.readGray(path: file), size: size).pixels.map(Float.init)
        }
        return (try Tensor(shape: [files.count, 1, size, size], scalars: scalars), files)
    }

    /// A picture as a square face of `size` pixels: centre crop, box-average, bicubic resize.
    public static func face(_ image: GrayImage, size: Int) throws -> GrayImage {
        let square = centreCrop(image)
        let reduced = boxShrink(square, factor: square.width / (2 * size))
        if reduced.width == size { return reduced }
        let t = try Tensor(shape: [1, 1, reduced.height, reduced.width], scalars: reduced.pixels.map(Float.init))
        let resized = try Augment.resize(t, height: size, width: size, maxValue: 255)
        return try GrayImage(width: size, height: size, pixels: resized.scalars.map { UInt8(max(0, min(255, $0.rounded()))) })
    }

    /// The largest centred square of a picture.
    public static func centreCrop(_ image: GrayImage) -> GrayImage {
        let side = min(image.width, image.height)
        if image.width == image.height { return image }
        let x0 = (image.width - side) / 2, y0 = (image.height - side) / 2
        var pixels = [UInt8](repeating: 0, count: side * side)
        for y in 0..<side {
            let source = (y0 + y) * image.width + x0
            pixels.replaceSubrange((y * side)..<(y * side + side), with: image.pixels[source..<(source + side)])
        }
        return (try? GrayImage(width: side, height: side, pixels: pixels)) ?? image
    }

    /// Averages `factor`×`factor` blocks (a factor below 2 returns the picture), so that a large
    /// photo does not alias when the bicubic kernel shrinks it.
    public static func boxShrink(_ image: GrayImage, factor: Int) -> GrayImage {
        guard factor >= 2 else { return image }
        let w = image.width / factor, h = image.height / factor
        guard w > 0, h > 0 else { return image }
        var pixels = [UInt8](repeating: 0, count: w * h)
        let area = factor * factor
        image.pixels.withUnsafeBufferPointer { src in
            for y in 0..<h {
                for x in 0..<w {
                    var sum = 0
                    for dy in 0..<factor {
                        let row = (y * factor + dy) * image.width + x * factor
                        for dx in 0..<factor { sum += Int(src[row + dx]) }
                    }
                    pixels[y * w + x] = UInt8((sum + area / 2) / area)
                }
            }
        }
        return (try? GrayImage(width: w, height: h, pixels: pixels)) ?? image
    }
}
