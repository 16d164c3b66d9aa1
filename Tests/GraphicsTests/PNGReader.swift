import CZlib
import Graphics

/// A PNG reader written apart from the encoder, for tests: checks the signature, every chunk's
/// CRC (with its own CRC-32 table), the IHDR fields and chunk order, inflates IDAT with zlib and
/// undoes the five row filters.
struct PNGReader {
    enum Failure: Error, Equatable { case bad(String) }

    var width = 0
    var height = 0
    var bitDepth = 0
    var colorType = 0
    var chunkTypes: [String] = []
    /// Unfiltered pixel bytes, `width * channels` per row.
    var pixels: [UInt8] = []
    /// The filter byte of each row, as stored.
    var filters: [UInt8] = []

    var channels: Int {
        switch colorType { case 0: return 1; case 2: return 3; case 4: return 2; case 6: return 4; default: return 0 }
    }

    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xff)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    init(_ data: [UInt8]) throws {
        guard data.count >= 8, Array(data[0..<8]) == [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] else {
            throw Failure.bad("signature")
        }
        var i = 8
        var idat: [UInt8] = []
        while i < data.count {
            guard i + 12 <= data.count else { throw Failure.bad("truncated chunk at \(i)") }
            let length = Int(PNGReader.u32(data, i))
            guard i + 12 + length <= data.count else { throw Failure.bad("chunk length past end") }
            let type = String(decoding: data[(i + 4)..<(i + 8)], as: UTF8.self)
            let body = data[(i + 8)..<(i + 8 + length)]
            let stored = PNGReader.u32(data, i + 8 + length)
            guard PNGReader.crc(data[(i + 4)..<(i + 8 + length)]) == stored else { throw Failure.bad("CRC of \(type)") }
            chunkTypes.append(type)
            if type == "IHDR" {
                guard length == 13 else { throw Failure.bad("IHDR length") }
                let b = Array(body)
                width = Int(PNGReader.u32(b, 0)); height = Int(PNGReader.u32(b, 4))
                bitDepth = Int(b[8]); colorType = Int(b[9])
                guard b[10] == 0, b[11] == 0, b[12] == 0 else { throw Failure.bad("compression/filter/interlace") }
            } else if type == "IDAT" {
                idat += body
            }
            i += 12 + length
        }
        guard chunkTypes.first == "IHDR", chunkTypes.last == "IEND" else { throw Failure.bad("chunk order \(chunkTypes)") }
        guard bitDepth == 8, channels > 0, width > 0, height > 0 else { throw Failure.bad("header fields") }
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: height * (stride + 1))
        var rawLength = uLongf(raw.count)
        let status = idat.withUnsafeBufferPointer { src in
            raw.withUnsafeMutableBufferPointer { dst in
                uncompress(dst.baseAddress, &rawLength, src.baseAddress, uLong(src.count))
            }
        }
        guard status == Z_OK, Int(rawLength) == raw.count else { throw Failure.bad("inflate status \(status), \(rawLength) bytes") }
        pixels = [UInt8](repeating: 0, count: height * stride)
        let bpp = channels
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            filters.append(filter)
            for x in 0..<stride {
                let v = raw[y * (stride + 1) + 1 + x]
                let a = x >= bpp ? Int(pixels[y * stride + x - bpp]) : 0
                let b = y > 0 ? Int(pixels[(y - 1) * stride + x]) : 0
                let c = (x >= bpp && y > 0) ? Int(pixels[(y - 1) * stride + x - bpp]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c)
                default: throw Failure.bad("filter \(filter) in row \(y)")
                }
                pixels[y * stride + x] = UInt8((Int(v) + predictor) & 0xff)
            }
        }
    }

    /// The RGB(A) colour at (x, y) as read back.
    func rgb(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) {
        let i = (y * width + x) * channels
        if channels < 3 { return (pixels[i], pixels[i], pixels[i]) }
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }
}
