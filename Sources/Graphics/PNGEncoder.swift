import CZlib

/// Encodes 8-bit images as PNG: deterministic bytes for the same pixels.
///
/// Each row gets the filter (None, Sub, Up, Average, Paeth) whose output has the smallest
/// sum of absolute byte values, the usual heuristic; ties go to the lower filter number.
/// The filtered rows are deflated by zlib into one IDAT chunk: level 6, or level 3 for data over
/// 1 MiB (big image grids), where level 6 costs several times longer for about 15% fewer bytes.
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
        let zeros = [UInt8](repeating: 0, count: stride)
        bytes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                zeros.withUnsafeBufferPointer { zero in
                    for y in 0..<height {
                        let row = src.baseAddress! + y * stride
                        // The row above; the first row has none, which the filters treat as zeros.
                        let prev = y > 0 ? src.baseAddress! + (y - 1) * stride : zero.baseAddress!
                        let filter = cheapestFilter(row: row, prev: prev, stride: stride, bpp: bpp, first: y == 0)
                        let target = dst.baseAddress! + y * (stride + 1)
                        target[0] = UInt8(filter)
                        applyFilter(filter, row: row, prev: prev, stride: stride, bpp: bpp, into: target + 1)
                    }
                }
            }
        }
        return out
    }

    /// |v| of a filtered byte read as signed: the cost the heuristic minimises.
    @inline(__always)
    private static func cost(_ v: UInt8) -> Int { Int(Int8(bitPattern: v).magnitude) }

    /// The filter (0...4) whose output has the smallest sum of |signed byte|; ties go to the lower number.
    /// On the first row Up and Paeth equal None and Sub, so only 0, 1 and 3 are tried.
    private static func cheapestFilter(row: UnsafePointer<UInt8>, prev: UnsafePointer<UInt8>,
                                       stride: Int, bpp: Int, first: Bool) -> Int {
        var c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0
        for i in 0..<min(bpp, stride) {
            let x = row[i], b = prev[i]
            c0 &+= cost(x); c1 &+= cost(x)
            c2 &+= cost(x &- b); c3 &+= cost(x &- (b >> 1)); c4 &+= cost(x &- b)
        }
        if stride > bpp {
            for i in bpp..<stride {
                let x = row[i], a = row[i - bpp], b = prev[i], c = prev[i - bpp]
                c0 &+= cost(x)
                c1 &+= cost(x &- a)
                c2 &+= cost(x &- b)
                c3 &+= cost(x &- UInt8((Int(a) + Int(b)) >> 1))
                c4 &+= cost(x &- UInt8(paeth(Int(a), Int(b), Int(c))))
            }
        }
        let costs = first ? [c0, c1, Int.max, c3, Int.max] : [c0, c1, c2, c3, c4]
        var best = 0
        for f in 1..<5 where costs[f] < costs[best] { best = f }
        return best
    }

    /// Writes one row filtered with `filter`.
    private static func applyFilter(_ filter: Int, row: UnsafePointer<UInt8>, prev: UnsafePointer<UInt8>,
                                    stride: Int, bpp: Int, into out: UnsafeMutablePointer<UInt8>) {
        for i in 0..<stride {
            let x = row[i]
            let a: UInt8 = i >= bpp ? row[i - bpp] : 0
            let b = prev[i]
            let c: UInt8 = i >= bpp ? prev[i - bpp] : 0
            switch filter {
            case 0: out[i] = x
            case 1: out[i] = x &- a
            case 2: out[i] = x &- b
            case 3: out[i] = x &- UInt8((Int(a) + Int(b)) >> 1)
            default: out[i] = x &- UInt8(paeth(Int(a), Int(b), Int(c)))
            }
        }
    }

    /// The Paeth predictor from the PNG specification.
    @inline(__always)
    static func paeth(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let p = a + b - c
        let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// The zlib level for `count` bytes of filtered data.
    static func level(forByteCount count: Int) -> Int32 { count > 1 << 20 ? 3 : 6 }

    /// A zlib stream of `data`; falls back to stored blocks if zlib fails.
    static func deflate(_ data: [UInt8]) -> [UInt8] {
        let level = level(forByteCount: data.count)
        var destLength = compressBound(uLong(data.count))
        var dest = [UInt8](repeating: 0, count: Int(destLength))
        let status = data.withUnsafeBufferPointer { src in
            dest.withUnsafeMutableBufferPointer { dst in
                compress2(dst.baseAddress, &destLength, src.baseAddress, uLong(src.count), level)
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
