/// An 8-bit sRGB colour with straight (not premultiplied) alpha.
public struct Color: Equatable, Hashable, Sendable {
    /// Red, green, blue and alpha, 0...255.
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8
    public var a: UInt8

    /// A colour from its channels; alpha defaults to opaque.
    public init(r: UInt8, g: UInt8, b: UInt8, a: UInt8 = 255) {
        self.r = r; self.g = g; self.b = b; self.a = a
    }

    /// A colour from a 0xRRGGBB literal, e.g. `Color(hex: 0x1f77b4)`.
    public init(hex: UInt32, alpha: UInt8 = 255) {
        self.init(r: UInt8((hex >> 16) & 0xff), g: UInt8((hex >> 8) & 0xff), b: UInt8(hex & 0xff), a: alpha)
    }

    /// A gray level, 0 black to 255 white.
    public init(gray: UInt8, alpha: UInt8 = 255) {
        self.init(r: gray, g: gray, b: gray, a: alpha)
    }

    /// The same colour with another alpha (0 transparent, 1 opaque).
    public func withAlpha(_ alpha: Double) -> Color {
        var c = self
        c.a = UInt8(max(0, min(255, (alpha * 255).rounded())))
        return c
    }

    /// Relative luminance in 0...1 (Rec. 709 weights on the stored values), to pick a readable text colour.
    public var luminance: Double {
        (0.2126 * Double(r) + 0.7152 * Double(g) + 0.0722 * Double(b)) / 255
    }

    /// Linear interpolation between two colours, `t` in 0...1.
    public static func mix(_ x: Color, _ y: Color, _ t: Double) -> Color {
        let t = max(0, min(1, t))
        func m(_ p: UInt8, _ q: UInt8) -> UInt8 {
            UInt8((Double(p) + (Double(q) - Double(p)) * t).rounded())
        }
        return Color(r: m(x.r, y.r), g: m(x.g, y.g), b: m(x.b, y.b), a: m(x.a, y.a))
    }

    /// Opaque white.
    public static let white = Color(gray: 255)
    /// Opaque black.
    public static let black = Color(gray: 0)
    /// Fully transparent.
    public static let clear = Color(r: 0, g: 0, b: 0, a: 0)

    /// The ten-colour cycle charts use for successive series (matplotlib's "tab10").
    public static let cycle: [Color] = [
        0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
        0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf,
    ].map { Color(hex: $0) }

    /// The colour of the `index`-th series in the cycle (wraps around).
    public static func series(_ index: Int) -> Color {
        cycle[((index % cycle.count) + cycle.count) % cycle.count]
    }

    /// The cycle's blue (first series).
    public static let blue = cycle[0]
    /// The cycle's orange (second series).
    public static let orange = cycle[1]
    /// The cycle's green (third series).
    public static let green = cycle[2]
    /// The cycle's red (fourth series).
    public static let red = cycle[3]
    /// The cycle's purple (fifth series).
    public static let purple = cycle[4]
}

/// A map from a number in 0...1 to a colour, for heatmaps and colour bars.
public enum ColorMap: String, Equatable, Hashable, Sendable, CaseIterable {
    /// Perceptually uniform dark blue → green → yellow (matplotlib's default).
    case viridis
    /// White → dark blue, for counts such as confusion matrices.
    case blues
    /// Black → white.
    case gray

    private var stops: [Color] {
        switch self {
        case .viridis:
            return [0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c,
                    0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725].map { Color(hex: $0) }
        case .blues:
            return [0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6,
                    0x4292c6, 0x2171b5, 0x08519c, 0x08306b].map { Color(hex: $0) }
        case .gray:
            return [Color.black, Color.white]
        }
    }

    /// The colour at `t` (clamped to 0...1; NaN gives the low end).
    public func color(at t: Double) -> Color {
        let s = stops
        let t = t.isNaN ? 0 : max(0, min(1, t))
        let position = t * Double(s.count - 1)
        let i = min(Int(position), s.count - 2)
        return Color.mix(s[i], s[i + 1], position - Double(i))
    }
}
