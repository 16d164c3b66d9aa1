/// What goes wrong reading a picture; every case names the file.
public enum ImageFileError: Error, Equatable, CustomStringConvertible {
    /// The file or folder cannot be read.
    case unreadable(path: String, reason: String)
    /// The bytes are neither PNG nor JPEG.
    case unknownFormat(path: String)
    /// The decoder refused the bytes (truncated, corrupt, unsupported).
    case broken(path: String, format: String, reason: String)
    /// A folder without any PNG or JPEG file.
    case noPictures(path: String)
    /// A size outside what the reader accepts.
    case invalidSize(String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "cannot read \(path): \(reason)"
        case let .unknownFormat(path): return "\(path) is neither a PNG nor a JPEG file"
        case let .broken(path, format, reason): return "\(path) is not a readable \(format) file: \(reason)"
        case let .noPictures(path): return "\(path) holds no .png, .jpg or .jpeg files"
        case let .invalidSize(message): return message
        }
    }
}
