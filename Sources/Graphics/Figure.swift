/// A picture to show or save: a plot, a heatmap or an image grid, with a title and a size.
///
/// Rendering is a pure function of the value: the same figure always gives the same pixels and
/// the same PNG bytes.
public struct Figure: Equatable, Sendable {
    /// What the figure shows.
    public enum Content: Equatable, Sendable {
        case plot(Plot)
        case heatmap(Heatmap)
        case imageGrid(ImageGrid)
    }

    public var content: Content
    public var title: String?
    /// Width in pixels; nil is 640 (times `scale`) for plots and the content's natural size for heatmaps and grids.
    public var width: Int?
    /// Height in pixels; nil is 480 (times `scale`) for plots and the content's natural size for heatmaps and grids.
    public var height: Int?
    /// Whole-number scale of everything drawn: text, lines, markers, spacing and the default size
    /// (2 gives the same figure at twice the resolution).
    public var scale: Int

    /// A figure of any content; `width` and `height` override the default size.
    public init(_ content: Content, title: String? = nil, width: Int? = nil, height: Int? = nil, scale: Int = 1) {
        self.content = content; self.title = title; self.width = width; self.height = height
        self.scale = scale
    }

    /// The scale actually used (1...8).
    var effectiveScale: Int { max(1, min(8, scale)) }

    /// A plot figure.
    public init(_ plot: Plot, title: String? = nil, width: Int? = nil, height: Int? = nil) {
        self.init(.plot(plot), title: title, width: width, height: height)
    }

    /// Largest side accepted, to keep a mistaken size from exhausting memory.
    public static let maximumSide = 8192

    /// The size the figure renders at.
    public var size: (width: Int, height: Int) {
        let natural: (Int, Int)
        switch content {
        case .plot: natural = (640 * effectiveScale, 480 * effectiveScale)
        case .heatmap(let h): natural = HeatmapRenderer(map: h, title: title, textScale: effectiveScale).naturalSize()
        case .imageGrid(let g): natural = ImageGridRenderer(grid: g, title: title, textScale: effectiveScale).naturalSize()
        }
        let w = min(Figure.maximumSide, max(16, width ?? natural.0))
        let h = min(Figure.maximumSide, max(16, height ?? natural.1))
        return (w, h)
    }

    /// Draws the figure onto a new white canvas.
    public func render() -> RGBAImage {
        let (w, h) = size
        var image = RGBAImage(width: w, height: h, fill: Style.background)
        let frame = Rect(x: 0, y: 0, width: Double(w), height: Double(h))
        let ts = effectiveScale
        switch content {
        case .plot(let p): PlotRenderer(plot: p, title: title, textScale: ts).draw(on: &image, in: frame)
        case .heatmap(let m): HeatmapRenderer(map: m, title: title, textScale: ts).draw(on: &image, in: frame)
        case .imageGrid(let g): ImageGridRenderer(grid: g, title: title, textScale: ts).draw(on: &image, in: frame)
        }
        return image
    }

    /// The figure as PNG bytes (8-bit RGB).
    public func pngData() -> [UInt8] { render().pngData(alpha: false) }

    /// Saves the figure as a PNG file, atomically (a temporary file, then a rename).
    public func save(to path: String) throws { try AtomicFile.write(pngData(), to: path) }
}

extension Figure {
    /// A line chart of several series (legend from their labels).
    public static func lines(_ series: [Series], title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
                             xScale: AxisScale = .linear, yScale: AxisScale = .linear,
                             width: Int? = nil, height: Int? = nil) -> Figure {
        Figure(Plot(series: series, xLabel: xLabel, yLabel: yLabel, xScale: xScale, yScale: yScale),
               title: title, width: width, height: height)
    }

    /// A scatter plot of (x, y) points.
    public static func scatter(x: [Double], y: [Double], title: String? = nil, xLabel: String? = nil,
                               yLabel: String? = nil, marker: Marker = .dot, width: Int? = nil, height: Int? = nil) -> Figure {
        Figure(Plot(series: [.scatter(x: x, y: y, marker: marker)], xLabel: xLabel, yLabel: yLabel),
               title: title, width: width, height: height)
    }

    /// A bar chart with one bar per category.
    public static func bars(_ values: [Double], categories: [String]? = nil, title: String? = nil,
                            xLabel: String? = nil, yLabel: String? = nil, valueLabels: Bool = false,
                            color: Color? = nil, width: Int? = nil, height: Int? = nil) -> Figure {
        Figure(Plot(series: [.bars(values, color: color, valueLabels: valueLabels)], xLabel: xLabel, yLabel: yLabel,
                    categories: categories, grid: false),
               title: title, width: width, height: height)
    }

    /// A histogram of values in equal-width bins.
    public static func histogram(_ values: [Double], bins: Int = 10, range: ClosedRange<Double>? = nil,
                                 title: String? = nil, xLabel: String? = nil, yLabel: String? = "count",
                                 width: Int? = nil, height: Int? = nil) -> Figure {
        Figure(Plot(series: [Histogram(values, bins: bins, range: range).series()], xLabel: xLabel, yLabel: yLabel, grid: false),
               title: title, width: width, height: height)
    }

    /// A heatmap figure.
    public static func heatmap(_ map: Heatmap, title: String? = nil, width: Int? = nil, height: Int? = nil) -> Figure {
        Figure(.heatmap(map), title: title, width: width, height: height)
    }

    /// An image grid figure, sized by its content unless a size is given.
    public static func grid(_ grid: ImageGrid, title: String? = nil, width: Int? = nil, height: Int? = nil) -> Figure {
        Figure(.imageGrid(grid), title: title, width: width, height: height)
    }
}
