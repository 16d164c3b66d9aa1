/// The look shared by every figure: colours, sizes and spacing, close to matplotlib's defaults.
enum Style {
    static let background = Color.white
    static let text = Color(hex: 0x262626)
    static let spine = Color(hex: 0x3a3a3a)
    static let tick = Color(hex: 0x3a3a3a)
    static let gridLine = Color(hex: 0xe8e8e8)
    static let legendFill = Color.white.withAlpha(0.85)
    static let legendBorder = Color(hex: 0xcccccc)
    static let missing = Color(hex: 0xd9d9d9)
    /// Tick mark length in pixels (per text scale).
    static let tickLength = 4.0
    /// Gap between tick marks and their labels.
    static let tickPad = 4.0
    /// Gap between tick labels and the axis label.
    static let labelPad = 7.0
    /// Blank border around the whole figure.
    static let outerPad = 10.0
    /// Gap between the title and the axes.
    static let titlePad = 10.0
}

/// A renderer that lays out at a text scale: the style's spacings and rule width at that scale.
protocol ScaledLayout {
    var textScale: Int { get }
}

extension ScaledLayout {
    var s: Double { Double(textScale) }
    var tickLength: Double { Style.tickLength * s }
    var tickPad: Double { Style.tickPad * s }
    var labelPad: Double { Style.labelPad * s }
    var outerPad: Double { Style.outerPad * s }
    var titlePad: Double { Style.titlePad * s }
    /// Width of rules (spines, ticks, grid lines).
    var lw: Double { s }
}
