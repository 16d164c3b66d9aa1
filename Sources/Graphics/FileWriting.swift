@_exported import Files

extension GrayImage {
    /// Saves the image as a PNG file, atomically.
    public func save(to path: String) throws { try savePNG(pngData(), to: path) }
}

extension RGBAImage {
    /// Saves the image as a PNG file, atomically.
    public func save(to path: String) throws { try savePNG(pngData(), to: path) }
}

/// Writes PNG bytes with the shared atomic writer; a failure is a `GraphicsError.io`.
func savePNG(_ bytes: [UInt8], to path: String) throws {
    do {
        try AtomicFile.write(bytes, to: path)
    } catch let error as AtomicFileError {
        throw GraphicsError.io(path: error.path, reason: error.reason)
    }
}
