/// One set of data on a plot: a line, a scatter of points, or bars.
public struct Series: Equatable, Sendable {
    /// How the data is drawn.
    public enum Kind: String, Equatable, Sendable {
        case line, scatter, bar
    }

    public var kind: Kind
    /// Horizontal positions (for bars: the bar centres, or the left edges of histogram bins, see `barAlign`).
    public var x: [Double]
    /// Vertical values (for bars: heights).
    public var y: [Double]
    /// The name shown in the legend; series without one are left out of it.
    public var label: String?
    /// The colour; nil takes the next colour of the cycle.
    public var color: Color?
    /// Markers at the data points: always drawn for scatter (default `.dot`), optional for lines.
    public var marker: Marker?
    /// Line width in pixels.
    public var lineWidth: Double
    /// Marker size (full width) in pixels.
    public var markerSize: Double
    /// Bar width in data units.
    public var barWidth: Double
    /// Whether each bar shows its value above it.
    public var valueLabels: Bool

    /// A series with every field given; the static constructors below are shorter.
    public init(kind: Kind, x: [Double], y: [Double], label: String? = nil, color: Color? = nil,
                marker: Marker? = nil, lineWidth: Double = 2, markerSize: Double = 7,
                barWidth: Double = 0.8, valueLabels: Bool = false) {
        self.kind = kind; self.x = x; self.y = y; self.label = label; self.color = color
        self.marker = marker; self.lineWidth = lineWidth; self.markerSize = markerSize
        self.barWidth = barWidth; self.valueLabels = valueLabels
    }

    /// A line through (x[i], y[i]); non-finite points break the line.
    public static func line(x: [Double], y: [Double], label: String? = nil, color: Color? = nil,
                            marker: Marker? = nil, lineWidth: Double = 2) -> Series {
        Series(kind: .line, x: x, y: y, label: label, color: color, marker: marker, lineWidth: lineWidth)
    }

    /// A line through y[i] at x = 0, 1, 2, … (or `start`, `start + 1`, …).
    public static func line(_ y: [Double], start: Double = 0, label: String? = nil, color: Color? = nil,
                            marker: Marker? = nil, lineWidth: Double = 2) -> Series {
        line(x: y.indices.map { start + Double($0) }, y: y, label: label, color: color, marker: marker, lineWidth: lineWidth)
    }

    /// Points at (x[i], y[i]).
    public static func scatter(x: [Double], y: [Double], label: String? = nil, color: Color? = nil,
                               marker: Marker = .dot, size: Double = 7) -> Series {
        Series(kind: .scatter, x: x, y: y, label: label, color: color, marker: marker, markerSize: size)
    }

    /// Bars of `heights` centred at `x` (default 0, 1, 2, …).
    public static func bars(_ heights: [Double], x: [Double]? = nil, width: Double = 0.8, label: String? = nil,
                            color: Color? = nil, valueLabels: Bool = false) -> Series {
        Series(kind: .bar, x: x ?? heights.indices.map(Double.init), y: heights, label: label, color: color,
               barWidth: width, valueLabels: valueLabels)
    }

    /// The (x, y) pairs that can be drawn: both finite, and positive on log axes.
    func drawablePoints(xScale: AxisScale, yScale: AxisScale) -> [(Double, Double)] {
        var out: [(Double, Double)] = []
        for i in 0..<min(x.count, y.count) {
            let a = x[i], b = y[i]
            if Series.isDrawable(a, xScale) && Series.isDrawable(b, yScale) { out.append((a, b)) }
        }
        return out
    }

    static func isDrawable(_ v: Double, _ scale: AxisScale) -> Bool {
        v.isFinite && (scale == .linear || v > 0)
    }
}

/// Where the legend goes.
public enum LegendPosition: String, Equatable, Sendable {
    /// The corner that hides the fewest data points (matplotlib's "best").
    case auto
    case upperRight, upperLeft, lowerLeft, lowerRight
    /// No legend.
    case none
}

/// A set of axes with series on them: line charts, scatter plots, bar charts and histograms.
public struct Plot: Equatable, Sendable {
    public var series: [Series]
    public var xLabel: String?
    public var yLabel: String?
    public var xScale: AxisScale
    public var yScale: AxisScale
    /// Fixed x limits; nil fits the data with a 5% margin.
    public var xLimits: ClosedRange<Double>?
    /// Fixed y limits; nil fits the data with a 5% margin (bars start at zero).
    public var yLimits: ClosedRange<Double>?
    /// Names for the x positions 0, 1, 2, … (bar charts); replaces the numeric x tick labels.
    public var categories: [String]?
    public var legend: LegendPosition
    /// Light grid lines at the major ticks.
    public var grid: Bool

    /// Axes with the given series and options.
    public init(series: [Series] = [], xLabel: String? = nil, yLabel: String? = nil,
                xScale: AxisScale = .linear, yScale: AxisScale = .linear,
                xLimits: ClosedRange<Double>? = nil, yLimits: ClosedRange<Double>? = nil,
                categories: [String]? = nil, legend: LegendPosition = .auto, grid: Bool = true) {
        self.series = series; self.xLabel = xLabel; self.yLabel = yLabel
        self.xScale = xScale; self.yScale = yScale; self.xLimits = xLimits; self.yLimits = yLimits
        self.categories = categories; self.legend = legend; self.grid = grid
    }
}

/// Counts of values in equal-width bins, as a histogram shows them.
public struct Histogram: Equatable, Sendable {
    /// The bin edges: `counts.count + 1` increasing values.
    public var edges: [Double]
    /// How many values fell in each bin (the last bin includes its right edge).
    public var counts: [Double]

    /// Bins `values` (non-finite ones ignored) into `bins` equal bins over `range` (default: the data's range).
    public init(_ values: [Double], bins: Int = 10, range: ClosedRange<Double>? = nil) {
        let finite = values.filter(\.isFinite)
        let n = max(1, bins)
        var lo = range?.lowerBound ?? finite.min() ?? 0
        var hi = range?.upperBound ?? finite.max() ?? 1
        if !(hi > lo) { lo -= 0.5; hi += 0.5 }
        let w = (hi - lo) / Double(n)
        edges = (0...n).map { lo + Double($0) * w }
        edges[n] = hi
        var c = [Double](repeating: 0, count: n)
        for v in finite where v >= lo && v <= hi {
            let i = min(n - 1, Int((v - lo) / w))
            c[i] += 1
        }
        counts = c
    }

    /// The histogram as a bar series with touching bars.
    public func series(label: String? = nil, color: Color? = nil) -> Series {
        let centres = counts.indices.map { (edges[$0] + edges[$0 + 1]) / 2 }
        let width = edges.count > 1 ? edges[1] - edges[0] : 1
        return Series.bars(counts, x: centres, width: width, label: label, color: color)
    }
}
