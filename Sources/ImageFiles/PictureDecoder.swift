import CJPEG
import CPNG
import Foundation
import Graphics

/// Reads PNG and JPEG pictures as 8-bit gray images, through the system's libpng and libjpeg.
///
/// Colour pictures become gray by the libraries' own conversions (libpng's sRGB luminance,
/// libjpeg's luma channel); PNG transparency is composited onto white.
public enum PictureDecoder {
    /// The formats this decoder reads.
    public enum Format: String, Sendable {
        case png = "PNG"
        case jpeg = "JPEG"
    }

    /// The format the first bytes announce, or nil.
    public static func format(of bytes: [UInt8]) -> Format? {
        if bytes.count >= 8 && Array(bytes[0..<8]) == PNGEncoder.signature { return .png }
        if bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF { return .jpeg }
        return nil
    }

    /// The gray picture in `bytes`; `source` names them in errors (a path, or "request").
    public static func decodeGray(_ bytes: [UInt8], source: String) throws -> GrayImage {
        guard let format = format(of: bytes) else { throw ImageFileError.unknownFormat(path: source) }
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let ok = bytes.withUnsafeBufferPointer { b -> Int32 in
            switch format {
            case .png: return ainb_png_decode_gray(b.baseAddress, b.count, &pixels, &width, &height, &message, Int32(message.count))
            case .jpeg: return ainb_jpeg_decode_gray(b.baseAddress, UInt(b.count), &pixels, &width, &height, &message, Int32(message.count))
            }
        }
        defer { free(pixels) }
        guard ok == 1, let pixels else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ImageFileError.broken(path: source, format: format.rawValue, reason: reason.isEmpty ? "unknown error" : reason)
        }
        let count = Int(width) * Int(height)
        return try GrayImage(width: Int(width), height: Int(height), pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }

    /// The gray picture in the file at `path`.
    public static func readGray(path: String) throws -> GrayImage {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ImageFileError.unreadable(path: path, reason: FileManager.default.fileExists(atPath: path) ? error.localizedDescription : "no such file")
        }
        return try decodeGray([UInt8](data), source: path)
    }
}
