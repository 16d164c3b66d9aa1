import CZlib

/// Encodes 8-bit images as PNG: deterministic bytes for the same pixels.
///
/// Each row gets the filter (None, Sub, Up, Average, Paeth) whose output has the smallest
/// sum of absolute byte values, the usual heuristic; ties go to the lower filter number.
/// The filtered rows are deflated by zlib at level 6 into one IDAT chunk.
public enum PNGEncoder {
    /// The colour layouts this encoder writes.
    public enum ColorType: UInt8, Sendable {
        case gray = 0
        case rgb = 2
        case rgba = 6

        /// Bytes per pixel at 8 bits per channel.
        public var channels: Int {
            switch self {
            case .gray: return 1
            case .rgb: return 3
            case .rgba: return 4
            }
        }
    }

    /// The eight bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

    /// PNG bytes for `width * height` pixels of `colorType`, 8 bits per channel, rows from the top.
    ///
    /// `bytes` must hold `width * height * channels` values; missing bytes are taken as 0.
    public static func encode(width: Int, height: Int, colorType: ColorType, bytes: [UInt8]) -> [UInt8] {
        let w = max(1, width), h = max(1, height)
        let bpp = colorType.channels
        var source = bytes
        let needed = w * h * bpp
        if width < 1 || height < 1 || source.count < needed {
            source += [UInt8](repeating: 0, count: max(0, needed - source.count))
        }
        let filtered = filterRows(width: w, height: h, bpp: bpp, bytes: source)
        var out = signature
        var header = [UInt8]()
        header += bigEndian(UInt32(w)); header += bigEndian(UInt32(h))
        header += [8, colorType.rawValue, 0, 0, 0]
        appendChunk(&out, "IHDR", header)
        appendChunk(&out, "IDAT", deflate(filtered))
        appendChunk(&out, "IEND", [])
        return out
    }

    /// Rows prefixed by their filter byte, each filtered with the cheapest filter.
    static func filterRows(width: Int, height: Int, bpp: Int, bytes: [UInt8]) -> [UInt8] {
        let stride = width * bpp
        var out = [UInt8](repeating: 0, count: height * (stride + 1))
        var candidate = [UInt8](repeating: 0, count: stride)
        bytes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                candidate.withUnsafeMutableBufferPointer { cand in
                    for y in 0..<height {
                        let row = src.baseAddress! + y * stride
                        let prev: UnsafePointer<UInt8>? = y > 0 ? src.baseAddress! + (y - 1) * stride : nil
                        let target = dst.baseAddress! + y * (stride + 1)
                        var best = Int.max
                        for filter in 0..<5 {
                            let cost = applyFilter(filter, row: row, prev: prev, stride: stride, bpp: bpp,
                                                   into: cand.baseAddress!, bound: best)
                            if cost < best {
                                best = cost
                                target[0] = UInt8(filter)
                                (target + 1).update(from: cand.baseAddress!, count: stride)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Writes one filtered row and returns its cost (sum of |signed byte|), stopping early past `bound`.
    @inline(__always)
    private static func applyFilter(_ filter: Int, row: UnsafePointer<UInt8>, prev: UnsafePointer<UInt8>?,
                                    stride: Int, bpp: Int, into out: UnsafeMutablePointer<UInt8>,
                                    bound: Int) -> Int {
        var cost = 0
        @inline(__always) func put(_ i: Int, _ v: UInt8) {
            out[i] = v
            cost &+= v < 128 ? Int(v) : 256 - Int(v)
        }
        switch filter {
        case 0:
            for i in 0..<stride { put(i, row[i]) }
        case 1:
            for i in 0..<stride { put(i, row[i] &- (i >= bpp ? row[i - bpp] : 0)) }
        case 2:
            guard let p = prev else { return Int.max }
            for i in 0..<stride { put(i, row[i] &- p[i]) }
        case 3:
            for i in 0..<stride {
                let left = i >= bpp ? Int(row[i - bpp]) : 0
                let up = prev.map { Int($0[i]) } ?? 0
                put(i, row[i] &- UInt8((left + up) >> 1))
            }
        default:
            guard let p = prev else { return Int.max }
            for i in 0..<stride {
                let a = i >= bpp ? Int(row[i - bpp]) : 0
                let b = Int(p[i])
                let c = i >= bpp ? Int(p[i - bpp]) : 0
                put(i, row[i] &- UInt8(paeth(a, b, c)))
                if cost >= bound { return cost }
            }
        }
        return cost
    }

    /// The Paeth predictor from the PNG specification.
    @inline(__always)
    static func paeth(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let p = a + b - c
        let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// A zlib stream of `data` (level 6); falls back to stored blocks if zlib fails.
    static func deflate(_ data: [UInt8]) -> [UInt8] {
        var destLength = compressBound(uLong(data.count))
        var dest = [UInt8](repeating: 0, count: Int(destLength))
        let status = data.withUnsafeBufferPointer { src in
            dest.withUnsafeMutableBufferPointer { dst in
                compress2(dst.baseAddress, &destLength, src.baseAddress, uLong(src.count), 6)
            }
        }
        if status == Z_OK {
            dest.removeSubrange(Int(destLength)...)
            return dest
        }
        return storedZlib(data)
    }

    /// A zlib stream made of uncompressed ("stored") deflate blocks; always valid.
    static func storedZlib(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65535, data.count - offset)
            let last: UInt8 = offset + n >= data.count ? 1 : 0
            out.append(last)
            out += [UInt8(n & 0xff), UInt8(n >> 8), UInt8(~n & 0xff), UInt8((~n >> 8) & 0xff)]
            out += data[offset..<(offset + n)]
            offset += n
        } while offset < data.count
        let adler = data.withUnsafeBufferPointer { adler32(1, $0.baseAddress, uInt($0.count)) }
        out += bigEndian(UInt32(truncatingIfNeeded: adler))
        return out
    }

    /// Appends a chunk: length, type, data, CRC-32 of type and data.
    static func appendChunk(_ out: inout [UInt8], _ type: String, _ data: [UInt8]) {
        let typeBytes = Array(type.utf8)
        out += bigEndian(UInt32(data.count))
        let body = typeBytes + data
        out += body
        let crc = body.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        out += bigEndian(UInt32(truncatingIfNeeded: crc))
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)]
    }
}
