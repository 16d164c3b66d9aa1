/// An 8-bit gray image, row-major, 0 black to 255 white.
public struct GrayImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// `width * height` gray levels, row by row from the top.
    public var pixels: [UInt8]

    /// A blank image filled with one gray level.
    public init(width: Int, height: Int, fill: UInt8 = 0) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.pixels = [UInt8](repeating: fill, count: self.width * self.height)
    }

    /// An image from its pixels; throws if the count is not `width * height`.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard width >= 0, height >= 0, pixels.count == width * height else {
            throw GraphicsError.badSize("gray image \(width)x\(height) needs \(max(0, width * height)) pixels, got \(pixels.count)")
        }
        self.width = width; self.height = height; self.pixels = pixels
    }

    /// An image from float values mapped linearly from `range` to 0...255 (clipped).
    ///
    /// Without a range, values in 0...1 are taken as 0...1, values up to 255 as 0...255,
    /// and anything else is stretched from its own minimum to maximum. Non-finite values are black.
    public init(width: Int, height: Int, values: [Float], range: ClosedRange<Float>? = nil) throws {
        guard width >= 0, height >= 0, values.count == width * height else {
            throw GraphicsError.badSize("gray image \(width)x\(height) needs \(max(0, width * height)) values, got \(values.count)")
        }
        let r = range ?? GrayImage.naturalRange(values)
        let span = r.upperBound - r.lowerBound
        let scale: Float = span > 0 ? 255 / span : 0
        let low = r.lowerBound
        self.width = width; self.height = height
        self.pixels = values.map { v in
            guard v.isFinite else { return 0 }
            return UInt8(max(0, min(255, ((v - low) * scale).rounded())))
        }
    }

    private static func naturalRange(_ values: [Float]) -> ClosedRange<Float> {
        var lo = Float.infinity, hi = -Float.infinity
        for v in values where v.isFinite { lo = min(lo, v); hi = max(hi, v) }
        if lo > hi { return 0...1 }
        if lo >= 0 && hi <= 1 { return 0...1 }
        if lo >= 0 && hi <= 255 { return 0...255 }
        return lo == hi ? lo...(lo + 1) : lo...hi
    }

    /// The gray level at (x, y), or nil outside the image.
    public subscript(x: Int, y: Int) -> UInt8? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        return pixels[y * width + x]
    }

    /// The image scaled up by a whole factor with nearest-neighbour sampling (crisp pixels).
    public func scaled(by factor: Int) -> GrayImage {
        let f = max(1, factor)
        if f == 1 { return self }
        var out = GrayImage(width: width * f, height: height * f)
        let w = width, ow = width * f
        pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<(height * f) {
                    let sy = y / f
                    for x in 0..<ow { dst[y * ow + x] = src[sy * w + x / f] }
                }
            }
        }
        return out
    }

    /// This image as an opaque colour image.
    public func toRGBA() -> RGBAImage {
        var out = RGBAImage(width: width, height: height, fill: .black)
        out.pixels.withUnsafeMutableBufferPointer { dst in
            for i in 0..<pixels.count {
                let v = pixels[i]
                dst[4 * i] = v; dst[4 * i + 1] = v; dst[4 * i + 2] = v; dst[4 * i + 3] = 255
            }
        }
        return out
    }

    /// PNG bytes (8-bit gray).
    public func pngData() -> [UInt8] {
        PNGEncoder.encode(width: width, height: height, colorType: .gray, bytes: pixels)
    }
}

/// An 8-bit RGBA image, row-major, straight alpha: the canvas that drawing and figures use.
public struct RGBAImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// `4 * width * height` bytes: r, g, b, a for each pixel, row by row from the top.
    public var pixels: [UInt8]

    /// A canvas filled with one colour (white by default).
    public init(width: Int, height: Int, fill: Color = .white) {
        self.width = max(0, width)
        self.height = max(0, height)
        let n = self.width * self.height
        var p = [UInt8](repeating: 0, count: 4 * n)
        for i in 0..<n {
            p[4 * i] = fill.r; p[4 * i + 1] = fill.g; p[4 * i + 2] = fill.b; p[4 * i + 3] = fill.a
        }
        self.pixels = p
    }

    /// The colour at (x, y), or nil outside the image.
    public subscript(x: Int, y: Int) -> Color? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        let i = 4 * (y * width + x)
        return Color(r: pixels[i], g: pixels[i + 1], b: pixels[i + 2], a: pixels[i + 3])
    }

    /// Sets the pixel at (x, y) to a colour, replacing what was there (ignored outside).
    public mutating func set(x: Int, y: Int, _ c: Color) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = 4 * (y * width + x)
        pixels[i] = c.r; pixels[i + 1] = c.g; pixels[i + 2] = c.b; pixels[i + 3] = c.a
    }

    /// Blends a colour over the pixel at (x, y) with a coverage in 0...1 ("source over").
    public mutating func blend(x: Int, y: Int, _ c: Color, coverage: Float = 1) {
        guard x >= 0, y >= 0, x < width, y < height, coverage > 0 else { return }
        let alpha = Int((min(1, coverage) * Float(c.a)).rounded())
        if alpha == 0 { return }
        let i = 4 * (y * width + x)
        pixels.withUnsafeMutableBufferPointer { p in
            RGBAImage.blendPixel(p, i, c, alpha)
        }
    }

    /// Source-over of colour `c` with effective alpha `alpha` (0...255) at byte offset `i`.
    @inline(__always)
    static func blendPixel(_ p: UnsafeMutableBufferPointer<UInt8>, _ i: Int, _ c: Color, _ alpha: Int) {
        if alpha >= 255 {
            p[i] = c.r; p[i + 1] = c.g; p[i + 2] = c.b; p[i + 3] = 255
            return
        }
        let da = Int(p[i + 3])
        if da == 255 {
            let ia = 255 - alpha
            p[i] = UInt8((Int(c.r) * alpha + Int(p[i]) * ia + 127) / 255)
            p[i + 1] = UInt8((Int(c.g) * alpha + Int(p[i + 1]) * ia + 127) / 255)
            p[i + 2] = UInt8((Int(c.b) * alpha + Int(p[i + 2]) * ia + 127) / 255)
            return
        }
        // General case with a translucent destination.
        let outA = alpha * 255 + da * (255 - alpha)          // scaled by 255
        if outA == 0 { return }
        func ch(_ s: UInt8, _ d: UInt8) -> UInt8 {
            let v = (Int(s) * alpha * 255 + Int(d) * da * (255 - alpha) + outA / 2) / outA
            return UInt8(min(255, v))
        }
        p[i] = ch(c.r, p[i]); p[i + 1] = ch(c.g, p[i + 1]); p[i + 2] = ch(c.b, p[i + 2])
        p[i + 3] = UInt8(min(255, (outA + 127) / 255))
    }

    /// Draws another image with its top-left corner at (x, y), blending by its alpha.
    public mutating func draw(_ image: RGBAImage, x: Int, y: Int) {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(width, x + image.width), y1 = min(height, y + image.height)
        guard x0 < x1, y0 < y1 else { return }
        let w = width, sw = image.width
        image.pixels.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                for yy in y0..<y1 {
                    for xx in x0..<x1 {
                        let s = 4 * ((yy - y) * sw + (xx - x))
                        let d = 4 * (yy * w + xx)
                        let c = Color(r: src[s], g: src[s + 1], b: src[s + 2], a: src[s + 3])
                        if c.a > 0 { RGBAImage.blendPixel(dst, d, c, Int(c.a)) }
                    }
                }
            }
        }
    }

    /// Draws a gray image with its top-left corner at (x, y), scaled up by a whole factor.
    public mutating func draw(_ image: GrayImage, x: Int, y: Int, scale: Int = 1) {
        let f = max(1, scale)
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(width, x + image.width * f), y1 = min(height, y + image.height * f)
        guard x0 < x1, y0 < y1 else { return }
        let w = width, sw = image.width
        image.pixels.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                for yy in y0..<y1 {
                    let row = ((yy - y) / f) * sw
                    for xx in x0..<x1 {
                        let v = src[row + (xx - x) / f]
                        let d = 4 * (yy * w + xx)
                        dst[d] = v; dst[d + 1] = v; dst[d + 2] = v; dst[d + 3] = 255
                    }
                }
            }
        }
    }

    /// True when every pixel is opaque (then PNG output can drop the alpha channel).
    public var isOpaque: Bool {
        var i = 3
        while i < pixels.count {
            if pixels[i] != 255 { return false }
            i += 4
        }
        return true
    }

    /// PNG bytes: 8-bit RGB when the image is opaque, RGBA otherwise (or always, with `alpha: true`).
    public func pngData(alpha: Bool? = nil) -> [UInt8] {
        let keepAlpha = alpha ?? !isOpaque
        if keepAlpha {
            return PNGEncoder.encode(width: width, height: height, colorType: .rgba, bytes: pixels)
        }
        var rgb = [UInt8](repeating: 0, count: 3 * width * height)
        rgb.withUnsafeMutableBufferPointer { d in
            pixels.withUnsafeBufferPointer { s in
                for i in 0..<(width * height) {
                    d[3 * i] = s[4 * i]; d[3 * i + 1] = s[4 * i + 1]; d[3 * i + 2] = s[4 * i + 2]
                }
            }
        }
        return PNGEncoder.encode(width: width, height: height, colorType: .rgb, bytes: rgb)
    }
}

extension RGBAImage {
    /// How colour values are laid out in a flat array.
    public enum ChannelLayout: String, Sendable {
        /// r, g, b(, a) together for each pixel (HWC).
        case interleaved
        /// All red values, then all green, then all blue (CHW, as image tensors are).
        case planar
    }

    /// An image from 8-bit values with 3 (RGB) or 4 (RGBA) channels per pixel; throws on a wrong count.
    public init(width: Int, height: Int, channels: Int, bytes: [UInt8], layout: ChannelLayout = .interleaved) throws {
        let values = bytes.map(Float.init)
        try self.init(width: width, height: height, channels: channels, values: values, layout: layout, range: 0...255)
    }

    /// An image from float values with 1, 3 or 4 channels, mapped from `range` to 0...255 (clipped).
    ///
    /// Without a range, values in 0...1 are taken as 0...1, values up to 255 as 0...255, and anything
    /// else is stretched from its minimum to its maximum. Non-finite values become 0.
    public init(width: Int, height: Int, channels: Int, values: [Float], layout: ChannelLayout = .planar,
                range: ClosedRange<Float>? = nil) throws {
        guard [1, 3, 4].contains(channels) else {
            throw GraphicsError.badSize("an image needs 1, 3 or 4 channels, got \(channels)")
        }
        guard width >= 0, height >= 0, values.count == width * height * channels else {
            throw GraphicsError.badSize("\(channels)-channel image \(width)x\(height) needs \(max(0, width * height * channels)) values, got \(values.count)")
        }
        // The gray initialiser already knows how to pick a range; reuse it on all values at once.
        let levels = try GrayImage(width: values.count, height: 1, values: values, range: range).pixels
        self.init(width: width, height: height, fill: .black)
        let n = width * height
        for i in 0..<n {
            func at(_ c: Int) -> UInt8 { layout == .planar ? levels[c * n + i] : levels[i * channels + c] }
            let r = at(0)
            let g = channels >= 3 ? at(1) : r
            let b = channels >= 3 ? at(2) : r
            let a = channels == 4 ? at(3) : 255
            pixels[4 * i] = r; pixels[4 * i + 1] = g; pixels[4 * i + 2] = b; pixels[4 * i + 3] = a
        }
    }
}
