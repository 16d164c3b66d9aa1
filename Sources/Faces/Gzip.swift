import CZlib
import Foundation

/// Reads gzip-compressed data files (`.csv.gz`) as pandas does: the bytes are inflated in
/// memory, then parsed as the plain file would be.
enum Gzip {
    /// True when `bytes` start with the gzip magic number (1f 8b).
    static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// The inflated contents of a gzip file (several members are joined, as `gunzip` does).
    /// Throws a `FacesError` naming `file` when the data is not valid gzip or ends early.
    static func inflate(_ bytes: [UInt8], file: String) throws -> [UInt8] {
        guard isGzip(bytes) else { throw FacesError(file: file, "not a gzip file (it does not start with the gzip magic bytes 1f 8b)") }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 4)
        var stream = z_stream()
        // 15 + 16: a gzip wrapper with the largest window.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw FacesError(file: file, "cannot start gzip decompression")
        }
        defer { inflateEnd(&stream) }
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        var consumed = 0
        try bytes.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress else { return }
            while consumed < src.count {
                stream.next_in = UnsafeMutablePointer(mutating: base + consumed)
                stream.avail_in = uInt(min(src.count - consumed, Int(UInt32.max)))
                var status: Int32 = Z_OK
                repeat {
                    let before = stream.avail_in
                    status = chunk.withUnsafeMutableBufferPointer { dst -> Int32 in
                        stream.next_out = dst.baseAddress
                        stream.avail_out = uInt(dst.count)
                        let s = CZlib.inflate(&stream, Z_NO_FLUSH)
                        out.append(contentsOf: dst[0..<(dst.count - Int(stream.avail_out))])
                        return s
                    }
                    consumed += Int(before - stream.avail_in)
                    if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
                    guard status == Z_OK || status == Z_STREAM_END else {
                        let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                        throw FacesError(file: file, "corrupt gzip data at compressed byte \(consumed): \(reason)")
                    }
                } while status != Z_STREAM_END
                if status != Z_STREAM_END {
                    throw FacesError(file: file, "gzip data ends early (truncated file?) after \(bytes.count) compressed bytes")
                }
                // Another member may follow; trailing zero padding is ignored.
                if consumed < src.count {
                    if !src[consumed...].contains(where: { $0 != 0 }) { break }
                    guard src.count - consumed >= 2, src[consumed] == 0x1f, src[consumed + 1] == 0x8b else {
                        throw FacesError(file: file, "unexpected bytes after the gzip data at byte \(consumed)")
                    }
                    guard inflateReset(&stream) == Z_OK else { throw FacesError(file: file, "cannot restart gzip decompression") }
                }
            }
        }
        return out
    }
}
