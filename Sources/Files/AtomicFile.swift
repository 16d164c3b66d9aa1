#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A file that could not be written: its path and the system's reason.
public struct AtomicFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file asked for.
    public let path: String
    /// What the system said (or what went wrong).
    public let reason: String

    public var description: String { "cannot write \(path): \(reason)" }
}

/// Writes files so that readers see either the old contents or the complete new
/// ones: the bytes go to a hidden temporary file in the same folder, which is flushed
/// to disk and then renamed over the target. A write that fails or is interrupted
/// leaves the old file untouched and removes the temporary file.
///
/// The one writer for checkpoints, pictures, data files, reports and saved notebooks.
public enum AtomicFile {
    /// Writes `bytes` to `path`.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { try $0.write(bytes) }
    }

    /// Writes `text` as UTF-8 to `path`.
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Calls `body` with a sink for the new contents of `url`, then moves them into place.
    public static func write(to url: URL, _ body: (inout ByteSink) throws -> Void) throws {
        try write(to: url.path, body)
    }

    /// Calls `body` with a sink for the new contents of `path`, then moves them into place.
    public static func write(to path: String, _ body: (inout ByteSink) throws -> Void) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let name = ".\((path as NSString).lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let temp = folder.isEmpty ? name : (folder as NSString).appendingPathComponent(name)
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw AtomicFileError(path: path, reason: systemReason()) }
        var open = true
        var done = false
        defer {
            if open { close(fd) }
            if !done { unlink(temp) }
        }
        var sink = ByteSink(fd: fd, path: path)
        try body(&sink)
        try sink.flush()
        guard fsync(fd) == 0 else { throw AtomicFileError(path: path, reason: systemReason()) }
        open = false
        guard close(fd) == 0 else { throw AtomicFileError(path: path, reason: systemReason()) }
        guard rename(temp, path) == 0 else { throw AtomicFileError(path: path, reason: systemReason()) }
        done = true
    }

    static func systemReason() -> String { String(cString: strerror(errno)) }
}

/// A buffered byte writer into the temporary file of an `AtomicFile` write.
public struct ByteSink {
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []
    /// Bytes written so far.
    public private(set) var written = 0

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        buffer.reserveCapacity(1 << 16)
    }

    /// Appends bytes.
    public mutating func write<C: Collection>(_ bytes: C) throws where C.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        written += bytes.count
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Appends the raw little-endian bytes of floats.
    public mutating func write(floats: [Float]) throws {
        try flush()
        // Float32 in memory is little-endian on every platform ainb runs on.
        try floats.withUnsafeBytes { try writeAll($0) }
        written += floats.count * 4
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ raw: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < raw.count {
            #if canImport(Glibc)
            let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            #else
            let n = Darwin.write(fd, raw.baseAddress! + offset, raw.count - offset)
            #endif
            if n < 0 {
                if errno == EINTR { continue }
                throw AtomicFileError(path: path, reason: AtomicFile.systemReason())
            }
            offset += n
        }
    }
}
