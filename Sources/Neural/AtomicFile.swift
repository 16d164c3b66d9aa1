import Foundation

/// Writes a file so that readers see either the old contents or the complete
/// new ones: the bytes go to a temporary file in the same directory, which is
/// flushed to disk and then renamed over the target. A write that fails or is
/// interrupted leaves the old file untouched (and removes the temporary file
/// when it can).
public enum AtomicFile {
    /// Calls `body` with a sink for the new contents, then moves them into place.
    public static func write(to url: URL, _ body: (inout ByteSink) throws -> Void) throws {
        let directory = url.deletingLastPathComponent()
        let temp = directory.appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        guard FileManager.default.createFile(atPath: temp.path, contents: nil) else {
            throw CheckpointError.io("cannot create \(temp.path)")
        }
        var ok = false
        defer { if !ok { try? FileManager.default.removeItem(at: temp) } }
        let handle = try FileHandle(forWritingTo: temp)
        var sink = ByteSink(handle: handle)
        do {
            try body(&sink)
            try sink.flush()
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            throw error
        }
        guard rename(temp.path, url.path) == 0 else {
            throw CheckpointError.io("cannot rename \(temp.path) to \(url.path): errno \(errno)")
        }
        ok = true
    }
}

/// A buffered byte writer over a file handle.
public struct ByteSink {
    let handle: FileHandle
    var buffer: [UInt8] = []
    /// Bytes written so far.
    public private(set) var written = 0

    init(handle: FileHandle) {
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
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
        try floats.withUnsafeBytes { raw in
            // Float32 in memory is little-endian on every platform ainb runs on.
            try handle.write(contentsOf: Data(raw))
        }
        written += floats.count * 4
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
