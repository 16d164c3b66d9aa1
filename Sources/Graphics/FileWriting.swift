#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that readers never see half of one: a temporary file beside the target, then a rename.
public enum AtomicFile {
    /// Writes `bytes` to `path`, replacing any file there only once all bytes are on disk.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw GraphicsError.io(path: path, reason: systemReason()) }
        var written = 0
        let ok: Bool = bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += n
            }
            return true
        }
        if !ok {
            let reason = systemReason()
            close(fd); unlink(temp)
            throw GraphicsError.io(path: path, reason: reason)
        }
        if close(fd) != 0 {
            let reason = systemReason()
            unlink(temp)
            throw GraphicsError.io(path: path, reason: reason)
        }
        if rename(temp, path) != 0 {
            let reason = systemReason()
            unlink(temp)
            throw GraphicsError.io(path: path, reason: reason)
        }
    }

    private static func systemReason() -> String {
        String(cString: strerror(errno))
    }
}

extension GrayImage {
    /// Saves the image as a PNG file, atomically.
    public func save(to path: String) throws { try AtomicFile.write(pngData(), to: path) }
}

extension RGBAImage {
    /// Saves the image as a PNG file, atomically.
    public func save(to path: String) throws { try AtomicFile.write(pngData(), to: path) }
}
